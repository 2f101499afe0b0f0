// Sharing each viewer's bandwidth out across what it receives. The transport hands the room a
// viewer's estimate (`setAvailableBitrate`, from its send-side estimator); the allocator gives
// audio first, then the active speakers' video, then the rest; each video's `LayerSelector`
// turns the allocation into switches with hysteresis. A switch to another simulcast layer
// listens to that layer and asks it for a keyframe; the keyframe completes the switch (see
// `Subscription`). A video that fits no layer is paused (audio goes on) and resumes when a layer
// fits again. Viewers without an estimate (no congestion feedback negotiated) are never
// allocated: they get the first layer they were given, as before.

extension Room {
    /// The viewer's estimated available bitrate changed (or was refreshed).
    public func setAvailableBitrate(_ participantID: ParticipantID, _ bitrate: UInt64, at now: Duration) {
        guard let viewer = participantsByID[participantID] else { return }
        viewer.availableBitrate = bitrate
        if let last = viewer.lastAllocationAt, now - last < configuration.allocationInterval { return }
        reallocate(viewer, at: now)
    }

    /// Allocates again for every viewer with an estimate (the speakers changed).
    func reallocateAll(at now: Duration) {
        for participant in participantList where participant.availableBitrate != nil { reallocate(participant, at: now) }
    }

    /// Allocations due on the room's timer (hysteresis needs time to pass without feedback).
    func allocateDue(at now: Duration) {
        for participant in participantList {
            guard let deadline = participant.allocationDeadline(refresh: configuration.allocationRefresh), deadline <= now else { continue }
            reallocate(participant, at: now)
        }
    }

    func reallocate(_ viewer: Participant, at now: Duration) {
        guard let available = viewer.availableBitrate else { return }
        viewer.lastAllocationAt = now
        let subscriptions = viewer.subscriptions.sorted { $0.trackID < $1.trackID }
        guard !subscriptions.isEmpty else { return }
        let speakers = activeSpeakers.activeSpeakers
        var audio: [BitrateAllocator.AudioTrack] = []
        var video: [BitrateAllocator.VideoTrack] = []
        for subscription in subscriptions {
            let track = subscription.layer
            if track.descriptor.kind == .audio {
                audio.append(.init(track: subscription.trackID, bitrate: track.rate.bitrate(at: now)))
                continue
            }
            let offered = offeredLayers(of: subscription.trackID, at: now)
            guard !offered.isEmpty else { continue }
            video.append(.init(track: subscription.trackID, publisher: track.publisherID,
                               speakerRank: speakers.firstIndex(of: track.publisherID), layers: offered,
                               maxHeight: subscription.maxHeight, maxSpatial: subscription.requestedLayer,
                               pausedByViewer: subscription.isPausedByViewer || track.isMuted))
        }
        let allocation = viewer.allocator.allocate(available: available, audio: audio, video: video)
        viewer.wantedBitrate = allocation.decisions.reduce(allocation.audioBitrate) { $0 + $1.wantedBitrate }
        for decision in allocation.decisions {
            guard let subscription = viewer.subscription(to: decision.track) else { continue }
            let change = subscription.selector.update(allocated: decision.choice, at: now, estimate: decision.budget,
                                                      currentLayerBitrate: subscription.layer.rate.bitrate(at: now))
            if let change { apply(change, to: subscription, at: now) }
        }
    }

    /// The layers of a video the allocator may choose from: those sending now, with their
    /// measured bitrate and size, indexed by their place in the group (lowest first). The lowest
    /// one comes with its VP8 temporal layers (T0, T0+T1, ...): below its full rate a viewer loses
    /// frame rate before it loses the picture. Higher ones come at their full rate only: a bigger
    /// picture at a quarter of the frame rate is worse than a smaller one at the full rate.
    private func offeredLayers(of groupID: TrackID, at now: Duration) -> [VideoLayer] {
        var out: [VideoLayer] = []
        let timeout = configuration.layerIdleTimeout
        for (index, layer) in layers(of: groupID).enumerated() where layer.isActive(at: now, timeout: timeout) {
            let steps = layer.temporalBitrates(at: now, timeout: timeout)
            let isLowest = out.isEmpty
            for (temporal, bitrate) in steps.enumerated() where isLowest || temporal == steps.count - 1 {
                out.append(VideoLayer(spatial: index, temporal: temporal, width: layer.frameWidth ?? 0,
                                      height: layer.frameHeight ?? 0, bitrate: max(1, bitrate)))
            }
        }
        return out
    }

    private func apply(_ change: LayerSwitch, to subscription: Subscription, at now: Duration) {
        let group = layers(of: subscription.trackID)
        switch change {
        case .keyframeNeeded(let spatial):
            guard group.indices.contains(spatial) else { return }
            let target = group[spatial]
            if let dropped = subscription.beginSwitch(to: target), dropped !== subscription.layer { dropped.remove(subscription) }
            if target !== subscription.layer { target.add(subscription) }
            if subscription.isPausedByAllocation {
                subscription.isPausedByAllocation = false
                subscription.updatePaused(trackMuted: subscription.layer.isMuted)
            }
            requestKeyframe(target, at: now)
        case .layerChanged(let spatial, let temporal):
            subscription.forwarder.setTemporalTarget(UInt8(clamping: temporal))
            announceLayer(of: subscription, spatial: spatial, temporal: temporal)
        case .paused:
            if let dropped = subscription.beginSwitch(to: nil), dropped !== subscription.layer { dropped.remove(subscription) }
            subscription.isPausedByAllocation = true
            subscription.updatePaused(trackMuted: subscription.layer.isMuted)
            emit(.videoPaused(subscription.subscriberID, subscription.trackID))
        case .resumed(let spatial, let temporal):
            subscription.forwarder.setTemporalTarget(UInt8(clamping: temporal))
            emit(.videoResumed(subscription.subscriberID, subscription.trackID))
            announceLayer(of: subscription, spatial: spatial, temporal: temporal)
        }
    }

    private func announceLayer(of subscription: Subscription, spatial: Int, temporal: Int) {
        let layer = subscription.layer
        emit(.videoLayerChanged(subscription.subscriberID, subscription.trackID, spatial: spatial, temporal: temporal,
                                width: layer.frameWidth, height: layer.frameHeight,
                                availableBitrate: participantsByID[subscription.subscriberID]?.availableBitrate))
    }

    /// A keyframe of `track` was forwarded to a subscription whose selector waits for one: a
    /// pending layer switch (or a resume) takes effect.
    func keyframeForwarded(of track: PublishedTrack, to subscription: Subscription, at now: Duration) {
        let spatial = spatialIndex(of: track, in: layers(of: subscription.trackID))
        guard subscription.selector.keyframeNeeded == spatial else { return }
        if track === subscription.pendingLayer, let old = subscription.completeSwitch() { old.remove(subscription) }
        guard track === subscription.layer, let change = subscription.selector.keyframeArrived(spatial: spatial) else { return }
        apply(change, to: subscription, at: now)
    }

    /// The layer a new viewer starts on: the best one its estimate carries, else the lowest one
    /// sending (a fast first frame; the allocator moves it up as the estimate grows).
    func initialLayer(of group: [PublishedTrack], for viewer: Participant, at now: Duration) -> PublishedTrack {
        guard group.count > 1, let first = group.first else { return group[0] }
        let active = group.filter { $0.isActive(at: now, timeout: configuration.layerIdleTimeout) }
        guard let lowest = active.first else { return first }
        guard let available = viewer.availableBitrate else { return lowest }
        return active.last { $0.rate.bitrate(at: now) <= available } ?? lowest
    }

    /// The track showed more temporal layers than before: its viewers' selectors start over on
    /// all of them (what their forwarders send), unless a switch is under way.
    func restartSelectors(following track: PublishedTrack, at now: Duration) {
        track.temporalLayersGrew = false
        let group = layers(of: track.groupID)
        for subscription in track.subscriptions where subscription.layer === track && subscription.selector.keyframeNeeded == nil {
            guard subscription.selector.current != .paused else { continue }
            subscription.startSelector(at: spatialIndex(of: track, in: group), now: now)
        }
    }

    func spatialIndex(of track: PublishedTrack, in group: [PublishedTrack]) -> Int {
        group.firstIndex { $0 === track } ?? 0
    }

    /// Puts a group's layers in size order once keyframes told their sizes (the SDP order is the
    /// publisher's choice, not necessarily lowest first); selectors follow the new indices.
    func orderLayers(of groupID: TrackID) {
        guard let group = layerGroups[groupID], group.allSatisfy({ $0.frameHeight != nil }) else { return }
        let ordered = group.sorted { ($0.frameHeight ?? 0, $0.layerOrder) < ($1.frameHeight ?? 0, $1.layerOrder) }
        guard !zip(ordered, group).allSatisfy({ $0 === $1 }) else { return }
        layerGroups[groupID] = ordered
        for layer in ordered {
            for subscription in layer.subscriptions where subscription.layer === layer {
                // A switch under way was planned with the old indices: drop it, start over.
                if let dropped = subscription.beginSwitch(to: nil), dropped !== subscription.layer { dropped.remove(subscription) }
                subscription.startSelector(at: spatialIndex(of: layer, in: ordered))
            }
        }
    }
}

extension Subscription {
    /// Makes the selector start out on the layer the subscription was given, all of its temporal
    /// layers (what the forwarder then sends), with no hysteresis.
    func startSelector(at spatial: Int, now: Duration = .zero) {
        selector = LayerSelector(configuration: selector.configuration)
        let temporal = layer.temporalLayersSeenAt == nil ? 0 : Int(layer.highestTemporalLayer)
        _ = selector.update(allocated: .layer(spatial: spatial, temporal: temporal), at: now)
        _ = selector.keyframeArrived(spatial: spatial)
        forwarder.setTemporalTarget(.max)
    }
}

extension Room {
    /// Whether `sendPadding` has a stream to carry padding to this viewer.
    public func canSendPadding(to participantID: ParticipantID) -> Bool {
        participantsByID[participantID]?.paddingCarrier != nil
    }

    /// Sends `bytes` of padding to a viewer (a bandwidth probe, or headroom to measure), as
    /// padding-only packets on the RTX stream of one of its videos: the viewer's stack counts
    /// them for transport-wide feedback and drops them. Returns the bytes sent; 0 when the viewer
    /// has no RTX stream to carry padding.
    public func sendPadding(to participantID: ParticipantID, bytes: Int, at now: Duration) -> Int {
        guard bytes > 0, let viewer = participantsByID[participantID],
              let subscription = viewer.paddingCarrier, let timestamp = subscription.forwarder.lastTimestamp else { return 0 }
        var sent = 0
        while sent < bytes {
            let padding = min(255, max(1, bytes - sent))
            guard let rewrite = subscription.rtx?.padding(timestamp: UInt32(truncatingIfNeeded: timestamp)),
                  let length = PaddingPacket.write(into: scratch, padding: padding, rewrite: rewrite) else { break }
            sink.forward(to: participantID, source: UnsafeRawBufferPointer(rebasing: scratch[0..<length]), rewrite: rewrite)
            counters.paddingPacketsSent += 1
            sent += length
        }
        return sent
    }
}

extension Participant {
    /// A started video subscription with RTX: where padding can go.
    var paddingCarrier: Subscription? {
        subscriptions.first { $0.rtx != nil && $0.forwarder.hasStarted && $0.layer.descriptor.kind == .video }
    }
}

/// A padding-only RTP packet (RFC 3550 §5.1: P bit, the last padding byte says how many).
enum PaddingPacket {
    static func write(into buffer: UnsafeMutableRawBufferPointer, padding: Int, rewrite: RTPRewrite) -> Int? {
        let length = 12 + padding
        guard (1...255).contains(padding), buffer.count >= length else { return nil }
        buffer[0] = 0xA0  // V=2, P=1
        buffer[1] = rewrite.payloadType & 0x7F
        buffer[2] = UInt8(truncatingIfNeeded: rewrite.sequenceNumber >> 8)
        buffer[3] = UInt8(truncatingIfNeeded: rewrite.sequenceNumber)
        for i in 0..<4 { buffer[4 + i] = UInt8(truncatingIfNeeded: rewrite.timestamp >> (24 - 8 * i)) }
        for i in 0..<4 { buffer[8 + i] = UInt8(truncatingIfNeeded: rewrite.ssrc >> (24 - 8 * i)) }
        for i in 12..<(length - 1) { buffer[i] = 0 }
        buffer[length - 1] = UInt8(padding)
        return length
    }
}
