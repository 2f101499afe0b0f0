import RTP

// The feedback path: one plaintext RTCP datagram (compound or reduced-size) from a participant.
// What it says as a viewer — NACK, PLI, FIR, reception reports — is about the SSRCs the room
// sends it (its subscriptions); what it says as a publisher — sender reports — is about its own
// tracks. Each packet is parsed on its own, so one bad packet costs only itself.

extension Room {
    /// Handles one plaintext RTCP datagram from `participantID`.
    public func handleRTCP(from participantID: ParticipantID, packet: UnsafeRawBufferPointer, at now: Duration) {
        guard let participant = participantsByID[participantID] else {
            counters.unknownParticipant += 1
            return
        }
        var reader = RTCPReader(packet)
        while true {
            let slice: RTCPPacketSlice
            do throws(RTCPError) {
                guard let next = try reader.next() else { return }
                slice = next
            } catch {
                // The datagram's framing is broken: nothing after this point can be trusted.
                counters.rtcpMalformed += 1
                reject(.malformedRTCP(error), from: participant)
                return
            }
            counters.rtcpReceived += 1
            let bytes = UnsafeRawBufferPointer(rebasing: packet[slice.range])
            do throws(RTCPError) {
                try handle(slice, bytes: bytes, from: participant, at: now)
            } catch {
                counters.rtcpMalformed += 1
                reject(.malformedRTCP(error), from: participant)
            }
        }
    }

    private func handle(_ slice: RTCPPacketSlice, bytes: UnsafeRawBufferPointer, from participant: Participant,
                        at now: Duration) throws(RTCPError) {
        switch (slice.header.packetType, slice.header.count) {
        case (.senderReport, _):
            let report = try SenderReport(parsing: bytes)
            handleSenderReport(report, from: participant, at: now)
            handleReportBlocks(report.reports, from: participant, at: now)
        case (.receiverReport, _):
            let report = try ReceiverReport(parsing: bytes)
            handleReportBlocks(report.reports, from: participant, at: now)
        case (.transportFeedback, GenericNACK.format):
            handleNACK(try GenericNACK(parsing: bytes), from: participant, at: now)
        case (.payloadFeedback, PictureLossIndication.format):
            let pli = try PictureLossIndication(parsing: bytes)
            handleKeyframeRequest(mediaSSRC: pli.mediaSSRC, from: participant, at: now)
        case (.payloadFeedback, FullIntraRequest.format):
            let fir = try FullIntraRequest(parsing: bytes)
            for entry in fir.entries { handleKeyframeRequest(mediaSSRC: entry.ssrc, from: participant, at: now) }
        default:
            counters.rtcpIgnored += 1
        }
    }

    /// A publisher's SR: note it for our reports' LSR/DLSR, and give each viewer its own version.
    private func handleSenderReport(_ report: SenderReport, from participant: Participant, at now: Duration) {
        guard let route = participant.route(for: report.ssrc), !route.isRTX else {
            counters.rtcpUnknownSSRC += 1
            return
        }
        let track = route.track
        track.statistics.recordSenderReport(compactNTP: report.compactNTPTimestamp, at: now)
        let epoch = track.inbound.epoch
        for subscription in track.subscriptions where subscription.layer === track {
            guard let epoch = subscription.mappedEpoch(of: track, epoch),
                  let rewritten = subscription.senderReports.rewrite(report, epoch: epoch,
                                                                      forwarder: subscription.forwarder, at: now) else { continue }
            if sendRTCP(.senderReport(rewritten), to: subscription.subscriberID) { counters.senderReportsSent += 1 }
        }
    }

    /// A viewer's reception reports about what we send it: RTT samples and loss figures.
    private func handleReportBlocks(_ blocks: [ReportBlock], from participant: Participant, at now: Duration) {
        for block in blocks {
            guard let subscription = participant.subscription(forSSRC: block.ssrc) else { continue }
            subscription.lastReceiverReport = ReportBlockSummary(fractionLost: block.fractionLost,
                                                                 cumulativeLost: block.cumulativeLost,
                                                                 jitter: block.jitter, receivedAt: now)
            if let sample = subscription.senderReports.roundTripTime(for: block, at: now) {
                participant.updateRoundTripTime(sample)
            }
        }
    }

    /// A viewer's NACK: each lost number goes through the reverse map to the cached packet,
    /// resent with the same rewrite (or as RTX when the viewer negotiated it).
    private func handleNACK(_ nack: GenericNACK, from viewer: Participant, at now: Duration) {
        guard let subscription = viewer.subscription(forSSRC: nack.mediaSSRC) else {
            counters.rtcpUnknownSSRC += 1
            return
        }
        counters.nacksReceived += 1
        // A paused video (bandwidth too low, or muted) sends nothing, repairs included: resending
        // old frames would only load the link the pause is relieving.
        guard !subscription.isPausedByAllocation else { return }
        let suppression = max(configuration.minimumRetransmissionSpacing, viewer.roundTripTime / 2)
        nack.forEachLostSequenceNumber { sequenceNumber in
            guard let forwarded = subscription.forwarder.retransmission(of: sequenceNumber, at: now,
                                                                         suppression: suppression) else { return }
            // The layer the packet came from: sequence numbers of different layers overlap.
            guard let track = subscription.layer(forEpoch: forwarded.epoch),
                  let cached = track.packetCache.packet(at: forwarded.originalSequenceNumber)
                    ?? track.keyframeCache?.packet(at: forwarded.originalSequenceNumber) else {
                counters.retransmissionCacheMisses += 1
                return
            }
            guard viewer.spendRetransmission(cached.bytes.count, share: configuration.retransmissionShare,
                                             burst: configuration.retransmissionBurst, at: now) else {
                counters.retransmissionsThrottled += 1
                return
            }
            var rewrite = forwarded.rewrite
            if subscription.rtx != nil, let encoded = subscription.rtx?.encode(rewrite) { rewrite = encoded }
            counters.retransmissionsSent += 1
            sink.forward(to: viewer.id, source: cached.bytes, rewrite: rewrite)
        }
    }

    /// A viewer's PLI or FIR: one throttled request upstream for the track.
    private func handleKeyframeRequest(mediaSSRC: UInt32, from viewer: Participant, at now: Duration) {
        guard let subscription = viewer.subscription(forSSRC: mediaSSRC) else {
            counters.rtcpUnknownSSRC += 1
            return
        }
        requestKeyframe(subscription.pendingLayer ?? subscription.layer, at: now)
    }
}
