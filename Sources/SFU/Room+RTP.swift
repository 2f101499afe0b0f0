import RTP

// The media path: one plaintext RTP packet from a publisher in, one sink call per viewer out.
// Parse the header in place, route by SSRC (binding an unknown SSRC by RID — a simulcast layer —
// or by MID when the participant negotiated those extensions), unwrap RTX in place, unwrap sequence number and timestamp,
// analyse the payload once, record (caches, NACK, stats), then ask each viewer's forwarder.
// Nothing here allocates.

extension Room {
    /// Handles one plaintext RTP packet from `participantID`. The buffer is mutable because an
    /// RTX packet is turned back into the media packet in place; it is not kept after the call.
    public func handleRTP(from participantID: ParticipantID, packet: UnsafeMutableRawBufferPointer, at now: Duration) {
        guard let participant = participantsByID[participantID] else {
            counters.unknownParticipant += 1
            return
        }
        counters.rtpReceived += 1
        guard packet.count <= configuration.maxPacketSize else {
            counters.rtpOversized += 1
            reject(.oversizedPacket(packet.count), from: participant)
            return
        }
        var header: RTPHeader
        do throws(RTPError) {
            header = try RTPHeader(parsing: UnsafeRawBufferPointer(packet))
        } catch {
            counters.rtpMalformed += 1
            reject(.malformedRTP(error), from: participant)
            return
        }
        guard let route = participant.route(for: header.ssrc)
                ?? bindByRID(participant, header: header, packet: packet, at: now)
                ?? bindBySDESMID(participant, header: header, packet: packet, at: now) else {
            counters.rtpUnknownSSRC += 1
            reject(.unknownSSRC(header.ssrc), from: participant)
            return
        }
        let track = route.track
        var bytes = packet
        if route.isRTX {
            guard header.payloadType == track.descriptor.rtxPayloadType else {
                counters.rtpUnexpectedPayloadType += 1
                reject(.unexpectedPayloadType(header.payloadType), from: participant)
                return
            }
            do {
                bytes = try RTXDecoder.decapsulate(packet, header: header, mediaSSRC: track.inbound.ssrc,
                                                   mediaPayloadType: track.descriptor.payloadType)
                header = try RTPHeader(parsing: UnsafeRawBufferPointer(bytes))
            } catch {
                // Padding-only RTX packets are how senders probe bandwidth: normal, not an error.
                counters.rtxPaddingDropped += 1
                return
            }
        } else if header.payloadType != track.descriptor.payloadType {
            counters.rtpUnexpectedPayloadType += 1
            reject(.unexpectedPayloadType(header.payloadType), from: participant)
            return
        }
        guard let arrival = track.inbound.accept(sequenceNumber: header.sequenceNumber, timestamp: header.timestamp) else {
            counters.rtpRejectedJumps += 1
            return
        }
        let incoming: IncomingPacket
        do throws(SFUError) {
            incoming = try IncomingPacket(analyzing: UnsafeRawBufferPointer(bytes), header: header, codec: track.descriptor.codec,
                                          arrival: arrival, at: now, isRetransmission: route.isRTX)
        } catch {
            counters.rtpMalformedPayload += 1
            reject(.malformedPayload(error), from: participant)
            return
        }
        let source = UnsafeRawBufferPointer(bytes)
        let gaveUp = track.record(incoming, bytes: source, startsEpoch: arrival.startsEpoch && arrival.epoch > 0, at: now)
        participant.reportGenerator.start(at: now)
        if track.descriptor.kind == .audio {
            recordAudioLevel(of: track, header: header, packet: source, at: now)
        } else if incoming.isKeyframe, track.descriptor.codec == .vp8 {
            noteKeyframeSize(of: track, packet: source, header: header)
        }
        if track.temporalLayersGrew { restartSelectors(following: track, at: now) }
        var needsKeyframe = gaveUp && track.descriptor.kind == .video
        // A switch that completes here leaves the *old* layer's list, never this one.
        for subscription in track.subscriptions {
            switch translate(incoming, of: track, for: subscription, at: now) {
            case .forward(let rewrite):
                counters.forwarded += 1
                sink.forward(to: subscription.subscriberID, source: source, rewrite: rewrite)
            case .drop(.waitingForKeyframe):
                // A layer being switched to asks for its own keyframe; the current layer flows.
                if subscription.layer === track { needsKeyframe = true }
            case .drop:
                break
            }
        }
        if needsKeyframe { requestKeyframe(track, at: now) }
    }

    /// The forwarder's decision for one packet of `track` (a layer, for a simulcast group) to one
    /// subscription; a keyframe that starts the pending layer completes the switch.
    func translate(_ packet: IncomingPacket, of track: PublishedTrack, for subscription: Subscription,
                   at now: Duration) -> ForwardDecision {
        let decision: ForwardDecision
        if subscription.isLayered {
            guard let epoch = subscription.mappedEpoch(of: track, packet.epoch) else { return .drop(.staleSource) }
            var mapped = packet
            mapped.epoch = epoch
            decision = subscription.forwarder.translate(mapped, at: now)
        } else {
            decision = subscription.forwarder.translate(packet, at: now)
        }
        if case .forward = decision, packet.isKeyframe, subscription.selector.keyframeNeeded != nil {
            keyframeForwarded(of: track, to: subscription, at: now)
        }
        return decision
    }

    /// Reads the size a VP8 keyframe announces (first packet of the frame only).
    private func noteKeyframeSize(of track: PublishedTrack, packet: UnsafeRawBufferPointer, header: RTPHeader) {
        guard !header.payloadRange.isEmpty else { return }
        let payload = UnsafeRawBufferPointer(rebasing: packet[header.payloadRange])
        guard let descriptor = try? VP8PayloadDescriptor(parsing: payload),
              let size = descriptor.keyframeDimensions(payload: payload) else { return }
        if track.frameWidth != size.width || track.frameHeight != size.height {
            track.frameWidth = size.width
            track.frameHeight = size.height
            if track.groupID != track.id || layerGroups[track.id] != nil { orderLayers(of: track.groupID) }
        }
    }

    /// Binds an unknown SSRC to the simulcast layer whose rid the packet names (RFC 8852): as the
    /// layer's media by the RID extension, or as its RTX stream (retransmissions we asked for)
    /// by the repaired-RID extension.
    private func bindByRID(_ participant: Participant, header: RTPHeader, packet: UnsafeMutableRawBufferPointer,
                           at now: Duration) -> Participant.Route? {
        guard let id = participant.options.ridExtensionID, !participant.isRetired(header.ssrc) else { return nil }
        let buffer = UnsafeRawBufferPointer(packet)
        guard let range = header.extensionValueRange(id: id, in: buffer), !range.isEmpty else {
            return bindByRepairedRID(participant, header: header, packet: buffer)
        }
        let value = UnsafeRawBufferPointer(rebasing: buffer[range])
        for track in participant.tracks {
            guard let rid = track.descriptor.rid, rid.utf8.elementsEqual(value),
                  header.payloadType == track.descriptor.payloadType else { continue }
            track.rebind(ssrc: header.ssrc, rtxSSRC: nil)
            participant.reroute(track, ssrc: header.ssrc, isRTX: false)
            emit(.trackSourceChanged(track.id, ssrc: header.ssrc))
            return participant.route(for: header.ssrc)
        }
        return nil
    }

    private func bindByRepairedRID(_ participant: Participant, header: RTPHeader,
                                   packet: UnsafeRawBufferPointer) -> Participant.Route? {
        guard let id = participant.options.repairedRIDExtensionID,
              let range = header.extensionValueRange(id: id, in: packet), !range.isEmpty else { return nil }
        let value = UnsafeRawBufferPointer(rebasing: packet[range])
        for track in participant.tracks {
            guard let rid = track.descriptor.rid, rid.utf8.elementsEqual(value),
                  let rtx = track.descriptor.rtxPayloadType, header.payloadType == rtx else { continue }
            track.rebindRTX(ssrc: header.ssrc)
            participant.reroute(track, ssrc: header.ssrc, isRTX: true)
            return participant.route(for: header.ssrc)
        }
        return nil
    }

    /// Binds an unknown SSRC to the track whose MID the packet carries in the SDES MID header
    /// extension (RFC 8843 §15), as media or RTX by payload type; nil when that does not work.
    private func bindBySDESMID(_ participant: Participant, header: RTPHeader, packet: UnsafeMutableRawBufferPointer,
                               at now: Duration) -> Participant.Route? {
        guard let id = participant.options.midExtensionID, !participant.isRetired(header.ssrc) else { return nil }
        let buffer = UnsafeRawBufferPointer(packet)
        guard let range = header.extensionValueRange(id: id, in: buffer), !range.isEmpty else { return nil }
        let value = UnsafeRawBufferPointer(rebasing: buffer[range])
        for track in participant.tracks {
            guard let mid = track.descriptor.mid, mid.utf8.elementsEqual(value) else { continue }
            if header.payloadType == track.descriptor.payloadType {
                track.rebind(ssrc: header.ssrc, rtxSSRC: track.descriptor.rtxSSRC)
                participant.reroute(track, ssrc: header.ssrc, isRTX: false)
                emit(.trackSourceChanged(track.id, ssrc: header.ssrc))
                return participant.route(for: header.ssrc)
            }
            if let rtx = track.descriptor.rtxPayloadType, header.payloadType == rtx {
                track.rebindRTX(ssrc: header.ssrc)
                participant.reroute(track, ssrc: header.ssrc, isRTX: true)
                return participant.route(for: header.ssrc)
            }
            return nil
        }
        return nil
    }
}
