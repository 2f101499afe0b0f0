import RTP

// The media path: one plaintext RTP packet from a publisher in, one sink call per viewer out.
// Parse the header in place, route by SSRC (binding an unknown SSRC by MID when the participant
// negotiated the MID extension), unwrap RTX in place, unwrap sequence number and timestamp,
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
        guard let route = participant.route(for: header.ssrc) ?? bindBySDESMID(participant, header: header, packet: packet, at: now) else {
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
        var needsKeyframe = gaveUp && track.descriptor.kind == .video
        for subscription in track.subscriptions {
            switch subscription.forwarder.translate(incoming, at: now) {
            case .forward(let rewrite):
                counters.forwarded += 1
                sink.forward(to: subscription.subscriberID, source: source, rewrite: rewrite)
            case .drop(.waitingForKeyframe):
                needsKeyframe = true
            case .drop:
                break
            }
        }
        if needsKeyframe { requestKeyframe(track, at: now) }
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
