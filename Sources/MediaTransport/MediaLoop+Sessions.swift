import DTLS
import ICE
import Logging
import SDP
import SFU

// Control-plane work on the loop: opening, renegotiating and closing sessions, applying what
// negotiation decided to the room, and telling sessions about the room's tracks. Every function
// here runs on `eventLoop` (the service hops here with `submit`).

extension MediaLoop {
    /// Creates a session from a parsed client offer and returns the answer.
    func open(_ request: PeerSessionRequest, offer: SessionDescription, id: PeerSessionID,
              events: AsyncStream<PeerSessionEvent>.Continuation) throws(MediaPlaneError) -> String {
        eventLoop.preconditionInEventLoop()
        guard channel != nil else { throw .unavailable("media loop \(index) is not bound") }
        let now = currentTime
        let host = rooms[request.room] ?? RoomHost(name: request.room, sink: egress, configuration: settings.room)
        let credentials = freshCredentials()
        let identity = LocalIdentity(credentials: credentials, fingerprint: localFingerprint,
                                     candidateAddresses: settings.candidateAddresses,
                                     port: UInt16(clamping: port), tcp: tcpListener != nil, sessionID: UInt64.random(in: 1...UInt64(Int64.max), using: &random))
        let outcome = try SessionNegotiator.answer(offer: offer, role: request.role, intent: request.intent,
                                                   identity: identity, version: 1, existing: [],
                                                   available: request.intent == .watch ? host.tracks : [], random: &random)
        let dtls: DTLSEndpoint
        do {
            dtls = try DTLSEndpoint(certificate: certificate, role: outcome.dtlsRole, remoteFingerprint: outcome.remoteFingerprint)
        } catch {
            throw .unavailable("DTLS setup failed: \(error)")
        }
        let participant = ParticipantID(nextParticipant)
        nextParticipant += 1
        let options = ParticipantOptions(feedbackSSRC: UInt32.random(in: 1...UInt32.max, using: &random),
                                         midExtensionID: outcome.midExtensionID, ridExtensionID: outcome.ridExtensionID,
                                         repairedRIDExtensionID: outcome.repairedRIDExtensionID)
        do {
            try host.room.addParticipant(participant, options: options, at: now)
        } catch {
            throw .unavailable("room refused the participant: \(error)")
        }
        let peer = PeerConnection(PeerConnection.Setup(
            id: id, participantName: request.participant, user: request.user ?? request.participant,
            displayName: request.name, participantID: participant, role: request.role,
            intent: request.intent, room: host,
            ice: ICELiteAgent(local: credentials, remote: outcome.remoteCredentials, consentTimeout: settings.consentTimeout),
            dtls: dtls, identity: identity, sections: outcome.sections,
            events: events, openedAt: now, connectTimeout: settings.connectTimeout, chat: settings.chat,
            logger: logger, wakeDataChannels: dataChannelWaker(for: id)))
        guard peers.insert(peer, ufrag: credentials.ufrag) else {
            host.room.removeParticipant(participant, at: now)
            throw .unavailable("no free ufrag")
        }
        peer.update(features: PeerRTPFeatures(sections: outcome.sections))
        peer.videoPreference = request.videoPreference
        rooms[host.name] = host
        do {
            try publish(outcome.publishes, of: peer, at: now)
        } catch {
            close(peer, reason: "setup failed")
            throw error
        }
        drainEvents(of: host)
        if let deadline = peer.nextDeadline { arm(at: deadline) }
        egress.flush()
        logger.info("session opened", metadata: [
            "session": "\(id)", "room": "\(request.room)", "participant": "\(request.participant)",
            "role": "\(request.role)", "intent": "\(request.intent)", "publishes": "\(outcome.publishes.count)",
            "sends": "\(outcome.newSends.count)",
        ])
        return outcome.answer.serialized()
    }

    /// A client offer on an existing session (new tracks, removed tracks, ICE restart).
    func renegotiate(_ id: PeerSessionID, offer: SessionDescription) throws(MediaPlaneError) -> String {
        guard let peer = peers.peer(session: id), !peer.isClosed else { throw .unknownSession }
        guard peer.pendingOffer == nil else { throw .conflict("a server offer is waiting for its answer") }
        let now = currentTime
        let host = peer.room
        // New ICE credentials in the offer mean an ICE restart; the answer then carries ours.
        var identity = peer.identity
        let remote = offer.media.indices.lazy.compactMap { offer.transport(forMediaAt: $0) }.first
        let restarting = remote.map { $0.iceUfrag != peer.ice.remoteCredentials?.ufrag
            || $0.icePwd != peer.ice.remoteCredentials?.password } ?? false
        if restarting { identity.credentials = freshCredentials() }
        let outcome = try SessionNegotiator.answer(offer: offer, role: peer.role, intent: peer.intent, identity: identity,
                                                   version: peer.sessionVersion + 1, existing: peer.sections,
                                                   available: host.tracks, random: &random)
        guard outcome.dtlsRole == peer.dtls.role, outcome.remoteFingerprint == peer.dtls.remoteFingerprint else {
            throw .badOffer("DTLS role and fingerprint cannot change within a session")
        }
        peer.sessionVersion += 1
        if restarting {
            guard peers.changeUfrag(of: peer, from: peer.identity.credentials.ufrag, to: identity.credentials.ufrag) else {
                throw .unavailable("no free ufrag")
            }
            peer.restartICE(local: identity.credentials, remote: outcome.remoteCredentials, identity: identity)
            peer.logger.info("ICE restart")
        }
        for track in outcome.unpublishes {
            try? host.room.unpublish(track, at: now)
        }
        peer.sections = outcome.sections
        peer.update(features: PeerRTPFeatures(sections: outcome.sections))
        try publish(outcome.publishes, of: peer, at: now)
        if peer.connectedReported { subscribePending(peer, at: now) }
        peer.startDataChannelsIfReady()
        drive(peer)
        drainEvents(of: host)
        finishBatch()
        return outcome.answer.serialized()
    }

    /// The client's answer to our last offer.
    func applyAnswer(_ answer: SessionDescription, to id: PeerSessionID) throws(MediaPlaneError) {
        guard let peer = peers.peer(session: id), !peer.isClosed else { throw .unknownSession }
        guard let pending = peer.pendingOffer else { throw .conflict("no server offer is waiting for an answer") }
        let sections = try SessionNegotiator.readAnswer(answer, to: pending.description, sections: pending.sections,
                                                       identity: peer.identity, tracks: peer.room.tracks,
                                                       expectedRole: peer.dtls.role)
        peer.pendingOffer = nil
        peer.sections = sections
        peer.update(features: PeerRTPFeatures(sections: sections))
        let now = currentTime
        if peer.connectedReported { subscribePending(peer, at: now) }
        if peer.renegotiationNeeded { offerIfNeeded(peer) }
        finishBatch()
    }

    func addRemoteCandidate(_ candidate: String, to id: PeerSessionID) throws(MediaPlaneError) {
        guard peers.peer(session: id) != nil else { throw .unknownSession }
        do {
            _ = try SDPCandidate(parsing: candidate)
        } catch {
            throw .badOffer("bad candidate: \(error)")
        }
        // ICE-lite answers the peer's checks from whatever address they come; nothing to do.
    }

    func closeSession(_ id: PeerSessionID, reason: String) {
        guard let peer = peers.peer(session: id) else { return }
        close(peer, reason: reason)
        finishBatch()
        rearm()
    }

    /// A viewer's `set_video` for one track it receives.
    func setVideoPreference(_ preference: VideoPreference, track name: String, on id: PeerSessionID) throws(MediaPlaneError) {
        guard let peer = peers.peer(session: id), !peer.isClosed else { throw .unknownSession }
        let host = peer.room
        guard let track = host.trackID(named: name), host.infos[track]?.kind == "video" else {
            throw .badOffer("no video track \(name) in this room")
        }
        do {
            try host.room.setVideoPreference(peer.participantID, track: track, maxHeight: preference.maxHeight,
                                             layer: preference.layer, at: currentTime)
        } catch {
            throw .conflict("not receiving \(name)")
        }
        touch(host)
        finishBatch()
    }

    func trackInfos(in room: String) -> [RoomTrackInfo] { rooms[room]?.trackInfos ?? [] }

    /// The host's mute: the SFU pauses the tracks' subscriptions (and asks for a keyframe when
    /// video resumes); members learn it from `trackMuted` events raised by signaling.
    func setMuted(_ muted: Bool, kind: String, participants: Set<String>, in room: String) -> [RoomTrackInfo] {
        guard let host = rooms[room] else { return [] }
        let now = currentTime
        var changed: [RoomTrackInfo] = []
        for info in host.trackInfos where info.kind == kind && info.muted != muted && participants.contains(info.participant) {
            guard let id = host.trackID(named: info.trackID) else { continue }
            do {
                try host.room.setTrackMuted(id, muted, at: now)
            } catch {
                continue
            }
            if let updated = host.setMuted(id, muted) { changed.append(updated) }
        }
        touch(host)
        finishBatch()
        rearm()
        return changed
    }

    /// Closes some or all sessions of a room (a kick, a guest removed, the session ended).
    func closeSessions(in room: String, participants: Set<String>?, reason: String) {
        guard let host = rooms[room] else { return }
        for peer in peers.members(ofRoom: host.name) where participants?.contains(peer.participantName) ?? true {
            close(peer, reason: reason)
        }
        finishBatch()
        rearm()
    }

    // MARK: lifecycle of a peer

    /// Ends a session: routes, participant (and with it its tracks and subscriptions), timers'
    /// subjects, events. Idempotent.
    func close(_ peer: PeerConnection, reason: String) {
        guard !peer.isClosed else { return }
        let now = currentTime
        peer.shutdown(at: now)
        while let output = peer.pollOutput() {
            if case .transmit(let bytes, let to) = output { egress.send(bytes, to: to) }
        }
        peers.remove(peer)
        let host = peer.room
        host.room.removeParticipant(peer.participantID, at: now)
        drainEvents(of: host)
        if !peers.hasMembers(inRoom: host.name), rooms[host.name] === host {
            detachRecorders(room: host.name)
            rooms[host.name] = nil
        }
        peer.events.yield(.closed(reason: reason))
        peer.events.finish()
        onSessionClosed(peer.id, host.name)
        logger.info("session closed", metadata: ["session": "\(peer.id)", "reason": "\(reason)"])
    }

    func handleTimeout(of peer: PeerConnection, at now: Duration) {
        peer.handleTimeout(at: now)
        drive(peer)
        if peer.isClosed { return }
        sendCongestionFeedback(to: peer, at: now)
        sendProbes(to: peer, at: now)
        touch(peer)
    }

    /// The driver said the session is connected: it gets the room's tracks.
    func reportConnected(_ peer: PeerConnection, at now: Duration) {
        peer.logger.info("session connected", metadata: ["after": "\(now - peer.openedAt)"])
        peer.events.yield(.connected)
        subscribePending(peer, at: now)
        // Interactive sessions get the room's tracks by a server offer, sent once the client
        // has surely applied our answer.
        offerIfNeeded(peer)
        touch(peer.room)
    }

    /// Random credentials whose ufrag no peer of this loop uses (8 characters: 48 bits).
    private func freshCredentials() -> ICECredentials {
        while true {
            let credentials = ICECredentials.random(using: &random)
            if !peers.isUfragTaken(credentials.ufrag) { return credentials }
        }
    }

    // MARK: room changes

    private var localFingerprint: SDPFingerprint {
        SDPFingerprint(hashFunction: certificate.fingerprint.algorithm.rawValue, bytes: certificate.fingerprint.bytes)
    }

    /// Publishes what the client feeds in new sections (a simulcast section: one track with its
    /// layers, which viewers see as one).
    private func publish(_ publishes: [(index: Int, plan: PublishPlan)], of peer: PeerConnection, at now: Duration) throws(MediaPlaneError) {
        let host = peer.room
        for (index, plan) in publishes {
            let id = TrackID(nextTrack)
            nextTrack += 1
            let name = "t\(id.rawValue)"
            let snapshot = RoomTrackSnapshot(id: id, publisher: peer.participantID, kind: plan.codec.mediaKind,
                                             codec: plan.codec, streamID: Self.token(peer.participantName), name: name)
            let info = RoomTrackInfo(trackID: name, participant: peer.participantName,
                                     kind: plan.codec.mediaKind == .audio ? "audio" : "video", muted: false)
            host.record(snapshot, info: info)
            do {
                try host.room.publish(descriptor(for: plan, id: id, of: peer), by: peer.participantID, at: now)
                for layer in plan.moreLayers {
                    let layerID = TrackID(nextTrack)
                    nextTrack += 1
                    try host.room.publish(descriptor(for: layer, id: layerID, of: peer), by: peer.participantID,
                                          layerOf: id, at: now)
                }
            } catch {
                try? host.room.unpublish(id, at: now)
                host.forget(id)
                throw .badOffer("cannot publish section \(plan.mid): \(error)")
            }
            peer.sections[index].usage = .receiving(id)
        }
    }

    private func descriptor(for plan: PublishPlan, id: TrackID, of peer: PeerConnection) -> TrackDescriptor {
        TrackDescriptor(
            id: id, codec: plan.codec, payloadType: plan.payloadType, clockRate: plan.clockRate,
            ssrc: plan.ssrc ?? UInt32.random(in: 1...UInt32.max, using: &random), rtxSSRC: plan.rtxSSRC,
            rtxPayloadType: plan.rtxPayloadType, mid: plan.mid, rid: plan.rid,
            keyframeRequestMethod: plan.keyframeRequestMethod, acceptsNACK: plan.acceptsNACK,
            headerExtensions: peer.features.extensions)
    }

    /// Subscribes the peer to every track its sections send that it is not yet subscribed to.
    /// Done once the peer is connected, so the keyframe replay of `subscribe` reaches it.
    func subscribePending(_ peer: PeerConnection, at now: Duration) {
        let room = peer.room.room
        for index in peer.sections.indices {
            guard case .sending(let binding) = peer.sections[index].usage, let payloadType = binding.payloadType,
                  room.subscription(of: peer.participantID, to: binding.trackID) == nil else { continue }
            let parameters = SubscriptionParameters(
                ssrc: binding.stream.ssrc, payloadType: payloadType,
                rtxSSRC: binding.rtxPayloadType == nil ? nil : binding.stream.rtxSSRC, rtxPayloadType: binding.rtxPayloadType,
                initialSequenceNumber: UInt16.random(in: 0...UInt16.max, using: &random),
                initialTimestamp: UInt32.random(in: 0...UInt32.max, using: &random),
                initialRTXSequenceNumber: UInt16.random(in: 0...UInt16.max, using: &random))
            do {
                try room.subscribe(peer.participantID, to: binding.trackID, parameters: parameters, at: now)
                if let preference = peer.videoPreference, room.track(binding.trackID)?.descriptor.kind == .video {
                    try room.setVideoPreference(peer.participantID, track: binding.trackID, maxHeight: preference.maxHeight,
                                                layer: preference.layer, at: now)
                }
            } catch {
                logger.notice("subscription failed", metadata: ["session": "\(peer.id)", "error": "\(error)"])
                peer.sections[index].usage = .idle
            }
        }
        touch(peer.room)
    }

    /// For an interactive session: offers sections for room tracks it does not receive yet and
    /// idles sections whose track went away. One offer at a time: a change while an offer is
    /// out waits for its answer.
    func offerIfNeeded(_ peer: PeerConnection) {
        guard peer.intent == .interactive, !peer.isClosed else { return }
        guard peer.connectedReported, peer.pendingOffer == nil else {
            peer.renegotiationNeeded = true
            return
        }
        peer.renegotiationNeeded = false
        let host = peer.room
        var sections = peer.sections
        var changed = false
        for i in sections.indices {
            if let track = sections[i].sentTrack, host.snapshot(track) == nil {
                sections[i].usage = .idle
                changed = true
            }
        }
        let sent = Set(sections.compactMap(\.sentTrack))
        for track in host.tracks where track.publisher != peer.participantID && !sent.contains(track.id) {
            guard sections.count < SDPLimits.maxMediaSections else { break }
            sections.append(SessionNegotiator.sendSection(for: track, existing: sections, random: &random))
            changed = true
        }
        guard changed else { return }
        do {
            let description = try SessionNegotiator.offer(sections: sections, identity: peer.identity,
                                                          version: peer.sessionVersion + 1)
            peer.sessionVersion += 1
            peer.pendingOffer = (description, sections)
            peer.events.yield(.offer(description.serialized()))
        } catch {
            logger.error("server offer failed", metadata: ["session": "\(peer.id)", "error": "\(error)"])
        }
    }

    /// Acts on what the room reports: track changes reach every other session of the room
    /// (interactive ones renegotiate); rejected input is logged (the room reports each kind once
    /// per participant).
    func drainEvents(of host: RoomHost) {
        while let event = host.room.pollEvent() {
            switch event {
            case .trackPublished(let track, let publisher):
                guard let info = host.infos[track] else { continue }
                if recorderDirectory?.isEmpty == false { attachRecorders(to: host, at: currentTime) }
                for member in peers.members(ofRoom: host.name) where member.participantID != publisher {
                    member.events.yield(.trackPublished(info))
                    offerIfNeeded(member)
                }
            case .trackUnpublished(let track, let publisher):
                guard let info = host.forget(track) else { continue }
                if !recordings.isEmpty { recorderLost(track, in: host) }
                for member in peers.members(ofRoom: host.name) where member.participantID != publisher {
                    member.events.yield(.trackUnpublished(trackID: info.trackID))
                    if member.sections.contains(where: { $0.sentTrack == track }) { offerIfNeeded(member) }
                }
            case .inputRejected(let participant, let rejection):
                let session = peers.peer(participant: participant)?.id.rawValue ?? "?"
                logger.notice("room rejected input", metadata: ["session": "\(session)", "rejection": "\(rejection)"])
            case .trackSourceChanged(let track, let ssrc):
                logger.debug("track source changed", metadata: ["track": "\(track)", "ssrc": "\(ssrc)"])
            case .activeSpeakersChanged(let speakers):
                let named = speakers.compactMap { id in
                    peers.peer(participant: id).map { ActiveSpeaker(participant: $0.participantName, user: $0.user) }
                }
                for member in peers.members(ofRoom: host.name) { member.events.yield(.activeSpeakers(named)) }
            case .videoLayerChanged(let viewer, let track, let spatial, let temporal, let width, let height, let available):
                guard let member = peers.peer(participant: viewer), let name = host.infos[track]?.trackID else { continue }
                member.events.yield(.videoLayer(VideoLayerInfo(trackID: name, spatial: spatial, temporal: temporal,
                                                               width: width, height: height, availableBitrate: available)))
            case .videoPaused(let viewer, let track):
                guard let member = peers.peer(participant: viewer), let name = host.infos[track]?.trackID else { continue }
                member.events.yield(.videoPaused(trackID: name))
            case .videoResumed(let viewer, let track):
                guard let member = peers.peer(participant: viewer), let name = host.infos[track]?.trackID else { continue }
                member.events.yield(.videoResumed(trackID: name))
            case .participantJoined, .participantLeft, .keyframeRequested:
                break
            }
        }
    }

    /// An msid-safe token (RFC 8830: 1-64 token characters) for a participant name.
    static func token(_ name: String) -> String {
        let allowed = Set("!#$%&'*+-.^_`{|}~".utf8)
        let bytes = name.utf8.prefix(64).map { b -> UInt8 in
            let alnum = (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
            return alnum || allowed.contains(b) ? b : UInt8(ascii: "-")
        }
        return bytes.isEmpty ? "-" : String(decoding: bytes, as: UTF8.self)
    }
}
