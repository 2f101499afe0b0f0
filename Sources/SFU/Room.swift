import OutputQueue
import RTP

/// A room: the participants on one event loop, the tracks they publish and the subscriptions
/// between them, behind one sans-I/O surface.
///
/// ```swift
/// let room = Room(sink: transport)                      // the transport implements EgressSink
/// try room.addParticipant(7, at: now)
/// try room.publish(descriptor, by: 7, at: now)
/// try room.subscribe(8, to: descriptor.id, parameters: viewerSide, at: now)
/// room.handleRTP(from: 7, packet: plaintext, at: now)   // → sink.forward(to: 8, source:, rewrite:)
/// room.handleRTCP(from: 8, packet: plaintext, at: now)  // NACK → retransmission, PLI → upstream
/// if let deadline = room.nextDeadline { /* arm one timer */ }   room.handleTimeout(at: now)
/// while let event = room.pollEvent() { ... }
/// ```
/// Parents own children (Room ▸ Participant ▸ PublishedTrack ▸ Subscription); removing a parent
/// removes everything below it and every index pointing at it. Packets and RTCP go to the sink
/// synchronously — no queue, no allocation per forwarded packet. Control-plane calls throw
/// `SFUError`; bad packets never throw: they are counted (`counters`), reported once per
/// participant and kind (`RoomEvent.inputRejected`), and dropped.
///
/// Not thread-safe by design: a room belongs to one event loop. The room holds its sink
/// strongly; the sink must not hold the room strongly (or the two never go away).
public final class Room {
    public let configuration: RoomConfiguration
    let sink: any EgressSink
    private(set) var participantsByID: [ParticipantID: Participant] = [:]
    /// Participants in join order (deterministic timer and report order).
    private(set) var participantList: [Participant] = []
    /// Who publishes each track (every layer of a simulcast group too).
    private var trackOwners: [TrackID: Participant] = [:]
    /// Simulcast groups: the group's id → its layers, lowest first once their sizes are known.
    var layerGroups: [TrackID: [PublishedTrack]] = [:]
    var activeSpeakers: ActiveSpeakerDetector
    private var events = OutputQueue<RoomEvent>(capacity: 64)
    /// Scratch for building RTCP to send (the sink copies it during the call).
    let scratch: UnsafeMutableRawBufferPointer
    public internal(set) var counters = RoomCounters()

    public init(sink: any EgressSink, configuration: RoomConfiguration = RoomConfiguration()) {
        self.sink = sink
        self.configuration = configuration
        activeSpeakers = ActiveSpeakerDetector(configuration: configuration.activeSpeakers)
        scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 16)
        scratch.initializeMemory(as: UInt8.self, repeating: 0)
    }

    deinit { scratch.deallocate() }

    // MARK: introspection

    /// Participants, in join order.
    public var participantIDs: [ParticipantID] { participantList.map(\.id) }

    public func participant(_ id: ParticipantID) -> Participant? { participantsByID[id] }

    /// The published track with `id`, if any (for a simulcast group's id: its first layer).
    public func track(_ id: TrackID) -> PublishedTrack? { trackOwners[id]?.track(id) }

    /// The streams behind a track viewers subscribe to: a simulcast group's layers (lowest
    /// first), or the track alone.
    public func layers(of id: TrackID) -> [PublishedTrack] {
        if let group = layerGroups[id] { return group }
        return track(id).map { [$0] } ?? []
    }

    /// Every subscription in the room.
    public var subscriptionCount: Int { participantList.reduce(0) { $0 + $1.tracks.reduce(0) { $0 + $1.subscriptions.count } } }

    /// The subscription of `participant` to `track`, if any.
    public func subscription(of participant: ParticipantID, to track: TrackID) -> Subscription? {
        participantsByID[participant]?.subscription(to: track)
    }

    // MARK: events

    /// The next event, or nil when all were drained.
    public func pollEvent() -> RoomEvent? { events.next() }

    /// Queues an event. A control plane that stops draining loses the oldest events beyond
    /// `maxPendingEvents` (counted), rather than the room growing without bound.
    func emit(_ event: RoomEvent) {
        if events.count >= configuration.maxPendingEvents {
            events.dropOldest()
            counters.eventsDropped += 1
        }
        events.append(event)
    }

    // MARK: participants

    public func addParticipant(_ id: ParticipantID, options: ParticipantOptions = ParticipantOptions(),
                               at now: Duration) throws(SFUError) {
        guard participantsByID[id] == nil else { throw .duplicateParticipant(id) }
        let participant = Participant(id: id, options: options, configuration: configuration)
        participantsByID[id] = participant
        participantList.append(participant)
        emit(.participantJoined(id))
    }

    /// Removes the participant, its tracks (and everyone's subscriptions to them) and its own
    /// subscriptions. Unknown ids are ignored (leaving twice is not an error worth handling).
    public func removeParticipant(_ id: ParticipantID, at now: Duration) {
        guard let participant = participantsByID[id] else { return }
        for track in participant.tracks { removeTrack(track, of: participant) }
        for subscription in participant.subscriptions {
            if let track = track(subscription.trackID) { track.remove(subscription) }
            participant.remove(subscription)
        }
        participant.reportGenerator.stop()
        activeSpeakers.remove(participant: id)
        participantsByID[id] = nil
        participantList.removeAll { $0 === participant }
        emit(.participantLeft(id))
    }

    // MARK: tracks

    /// Publishes a track of `participant`. Its SSRCs must be new for that participant. With
    /// `layerOf`, the track is one more simulcast layer of that (already published) track of the
    /// same participant: viewers subscribe to the group and the room picks their layer.
    public func publish(_ descriptor: TrackDescriptor, by participantID: ParticipantID, layerOf group: TrackID? = nil,
                        at now: Duration) throws(SFUError) {
        guard let participant = participantsByID[participantID] else { throw .unknownParticipant(participantID) }
        guard trackOwners[descriptor.id] == nil else { throw .duplicateTrack(descriptor.id) }
        try descriptor.validate()
        guard !participant.isSSRCInUse(descriptor.ssrc) else { throw .ssrcInUse(descriptor.ssrc) }
        if let rtx = descriptor.rtxSSRC, participant.isSSRCInUse(rtx) { throw .ssrcInUse(rtx) }
        var order = 0
        if let group {
            guard let first = participant.track(group), first.groupID == group, first.descriptor.kind == descriptor.kind else {
                throw .unknownTrack(group)
            }
            order = layerGroups[group]?.count ?? 1
        }
        let track = PublishedTrack(descriptor: descriptor, publisherID: participantID, configuration: configuration,
                                   groupID: group, layerOrder: order)
        participant.add(track)
        trackOwners[descriptor.id] = participant
        if let group, let first = participant.track(group) {
            layerGroups[group, default: [first]].append(track)
        } else {
            emit(.trackPublished(descriptor.id, by: participantID))
        }
    }

    /// Unpublishes a track (with every layer of its group); every subscription to it goes with it.
    public func unpublish(_ trackID: TrackID, at now: Duration) throws(SFUError) {
        guard let owner = trackOwners[trackID], let track = owner.track(trackID), track.groupID == trackID else {
            throw .unknownTrack(trackID)
        }
        removeTrack(track, of: owner)
    }

    private func removeTrack(_ track: PublishedTrack, of owner: Participant) {
        // Layers go with their group; a layer alone is never removed (its group's id is the handle).
        guard track.groupID == track.id else { return }
        for layer in layers(of: track.id) {
            for subscription in layer.subscriptions {
                participantsByID[subscription.subscriberID]?.remove(subscription)
            }
            layer.subscriptions.removeAll()
            owner.remove(layer)
            trackOwners[layer.id] = nil
        }
        layerGroups[track.id] = nil
        emit(.trackUnpublished(track.id, by: owner.id))
    }

    /// Points a track at a new publisher SSRC (the publisher renegotiated or reconnected); the
    /// next packet starts a new source epoch, which every forwarder bridges without a jump.
    public func replaceSource(of trackID: TrackID, ssrc: UInt32, rtxSSRC: UInt32? = nil, at now: Duration) throws(SFUError) {
        guard let owner = trackOwners[trackID], let track = owner.track(trackID) else { throw .unknownTrack(trackID) }
        if let existing = owner.route(for: ssrc), existing.track !== track { throw .ssrcInUse(ssrc) }
        if let rtxSSRC, let existing = owner.route(for: rtxSSRC), existing.track !== track { throw .ssrcInUse(rtxSSRC) }
        if rtxSSRC != nil, track.descriptor.rtxPayloadType == nil {
            throw .invalidConfiguration("track has no RTX payload type")
        }
        track.rebind(ssrc: ssrc, rtxSSRC: rtxSSRC ?? track.descriptor.rtxSSRC)
        owner.reroute(track, ssrc: ssrc, isRTX: false)
        if let rtxSSRC { owner.reroute(track, ssrc: rtxSSRC, isRTX: true) }
    }

    /// Publisher-side mute: every viewer's forwarder pauses; unmuting resumes at the next
    /// keyframe (asked for at once) or audio packet.
    public func setTrackMuted(_ trackID: TrackID, _ muted: Bool, at now: Duration) throws(SFUError) {
        guard let track = track(trackID) else { throw .unknownTrack(trackID) }
        guard track.isMuted != muted else { return }
        for layer in layers(of: trackID) {
            layer.isMuted = muted
            for subscription in layer.subscriptions { subscription.updatePaused(trackMuted: muted) }
            if !muted, layer.descriptor.kind == .video, !layer.subscriptions.isEmpty { requestKeyframe(layer, at: now) }
        }
    }

    // MARK: subscriptions

    /// Subscribes `participantID` to a track with the viewer-side `parameters`. A video viewer
    /// starts at once from the cached keyframe (replayed through its forwarder, with the packets
    /// after it), or waits for a fresh keyframe, which is requested.
    public func subscribe(_ participantID: ParticipantID, to trackID: TrackID, parameters: SubscriptionParameters,
                          at now: Duration) throws(SFUError) {
        guard let viewer = participantsByID[participantID] else { throw .unknownParticipant(participantID) }
        guard let first = track(trackID), first.groupID == trackID else { throw .unknownTrack(trackID) }
        guard viewer.subscription(to: trackID) == nil else { throw .alreadySubscribed(participantID, trackID) }
        try parameters.validate()
        guard viewer.isSubscriptionSSRCFree(parameters.ssrc) else { throw .ssrcInUse(parameters.ssrc) }
        if let rtx = parameters.rtxSSRC, !viewer.isSubscriptionSSRCFree(rtx) { throw .ssrcInUse(rtx) }
        let group = layers(of: trackID)
        let track = initialLayer(of: group, for: viewer, at: now)
        let subscription = Subscription(subscriberID: participantID, track: track, groupID: trackID,
                                        isLayered: layerGroups[trackID] != nil, parameters: parameters,
                                        historyCapacity: configuration.forwarderHistoryCapacity,
                                        selector: configuration.layerSelector)
        subscription.startSelector(at: spatialIndex(of: track, in: group), now: now)
        subscription.updatePaused(trackMuted: track.isMuted)
        track.subscriptions.append(subscription)
        viewer.add(subscription)
        if track.descriptor.kind == .video, !track.isMuted, !replayKeyframe(track, to: subscription, at: now) {
            requestKeyframe(track, at: now)
        }
    }

    public func unsubscribe(_ participantID: ParticipantID, from trackID: TrackID, at now: Duration) throws(SFUError) {
        guard let viewer = participantsByID[participantID] else { throw .unknownParticipant(participantID) }
        guard let subscription = viewer.subscription(to: trackID) else { throw .notSubscribed(participantID, trackID) }
        subscription.layer.remove(subscription)
        subscription.pendingLayer?.remove(subscription)
        viewer.remove(subscription)
    }

    /// Viewer-side pause (the viewer turned the track off); resuming restarts cleanly.
    public func setSubscriptionPaused(_ participantID: ParticipantID, track trackID: TrackID, _ paused: Bool,
                                      at now: Duration) throws(SFUError) {
        guard participantsByID[participantID] != nil else { throw .unknownParticipant(participantID) }
        guard let subscription = subscription(of: participantID, to: trackID) else {
            throw .notSubscribed(participantID, trackID)
        }
        let track = subscription.layer
        guard subscription.isPausedByViewer != paused else { return }
        subscription.isPausedByViewer = paused
        subscription.updatePaused(trackMuted: track.isMuted)
        if !paused, !track.isMuted, track.descriptor.kind == .video, !replayKeyframe(track, to: subscription, at: now) {
            requestKeyframe(track, at: now)
        }
    }

    /// A viewer's wish for one video it receives: never a layer above `layer` or taller than
    /// `maxHeight` (nil: no limit). Takes effect at the next allocation.
    public func setVideoPreference(_ participantID: ParticipantID, track trackID: TrackID, maxHeight: Int?, layer: Int?,
                                   at now: Duration) throws(SFUError) {
        guard let subscription = subscription(of: participantID, to: trackID) else {
            throw .notSubscribed(participantID, trackID)
        }
        subscription.maxHeight = maxHeight
        subscription.requestedLayer = layer
    }

    /// Replays the cached keyframe and the packets after it to one subscription; false when
    /// there is nothing usable to replay: no keyframe of the current source, the packets after
    /// it no longer cached, or (a viewer resuming) a keyframe older than what it already saw.
    func replayKeyframe(_ track: PublishedTrack, to subscription: Subscription, at now: Duration) -> Bool {
        guard let cache = track.keyframeCache, let epoch = cache.epoch, epoch == track.inbound.epoch,
              let first = cache.firstSequenceNumber, let last = cache.lastSequenceNumber,
              let highest = track.packetCache.highestSequenceNumber,
              highest >= last, highest - last < Int64(track.packetCache.capacity),
              highest == last || track.packetCache.contains(last + 1) else { return false }
        if let seen = subscription.forwarder.highestInputSequenceNumber, first <= seen { return false }
        guard let keyframe = cache.packet(at: first), now - keyframe.packet.arrival <= configuration.keyframeReplayMaxAge else {
            counters.staleKeyframeReplaysSkipped += 1
            return false
        }
        let viewer = subscription.subscriberID
        cache.forEachPacket { packet, bytes in
            if case .forward(let rewrite) = translate(packet, of: track, for: subscription, at: now) {
                sink.forward(to: viewer, source: bytes, rewrite: rewrite)
            }
        }
        guard subscription.forwarder.hasStarted, subscription.layer === track else { return false }
        if highest > last {
            for sequenceNumber in last + 1...highest {
                guard let cached = track.packetCache.packet(at: sequenceNumber) else { continue }
                if case .forward(let rewrite) = translate(cached.packet, of: track, for: subscription, at: now) {
                    sink.forward(to: viewer, source: cached.bytes, rewrite: rewrite)
                }
            }
        }
        counters.keyframeReplays += 1
        return true
    }

    // MARK: upstream requests

    /// Asks the track's publisher for a keyframe, throttled (`KeyframeRequester`).
    func requestKeyframe(_ track: PublishedTrack, at now: Duration) {
        guard let request = track.keyframeRequester.request(at: now) else { return }
        sendKeyframeRequest(request, for: track)
    }

    func sendKeyframeRequest(_ request: KeyframeRequester.Request, for track: PublishedTrack) {
        guard let publisher = participantsByID[track.publisherID] else { return }
        let packet = KeyframeRequester.packet(for: request, senderSSRC: publisher.options.feedbackSSRC,
                                              mediaSSRC: track.inbound.ssrc)
        if sendRTCP(packet, to: publisher.id) {
            counters.keyframeRequestsSent += 1
            emit(.keyframeRequested(track.id))
        }
    }

    /// Marshals `packet` into the scratch buffer and hands it to the sink.
    @discardableResult
    func sendRTCP(_ packet: RTCPPacket, to participant: ParticipantID) -> Bool {
        do {
            let length = try packet.marshal(into: scratch)
            sink.sendRTCP(to: participant, bytes: UnsafeRawBufferPointer(rebasing: scratch[0..<length]))
            return true
        } catch {
            counters.rtcpBuildFailures += 1
            return false
        }
    }

    /// Counts a rejected input and reports the first of its kind per participant.
    func reject(_ rejection: InputRejection, from participant: Participant) {
        if participant.isFirstRejection(rejection) { emit(.inputRejected(participant.id, rejection)) }
    }
}
