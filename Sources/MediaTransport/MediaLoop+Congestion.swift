import Congestion
import RTP
import SFU

// Congestion feedback: what the SFU tells each publisher about the media it receives, so the
// publisher's own estimator can ramp to what its camera and the path allow. transport-cc peers
// (browsers) get RTPFB 15 every 50 ms while they send; REMB peers (aiortc) get a bitrate when it
// is due. Sent from the peer's timer, never from the packet path.

extension MediaLoop {
    /// Loss a REMB-only viewer must report before its REMB limits what it gets.
    static let rembLossThreshold = 0.2
    /// How long heavy loss keeps a REMB viewer limited after it stops (a paused video stops the
    /// loss it caused; resuming at once would bring it back).
    static let rembLossMemory: Duration = .seconds(10)
    /// What a viewer is given while nothing limits it (room for every layer of every track).
    static let unlimitedBitrate: UInt64 = 10_000_000_000
    /// The pacing target never goes below this: a collapsed estimate must not turn a keyframe
    /// into a second-long trickle (the allocator has already chosen a layer that fits).
    static let minimumPacingBitrate: UInt64 = 300_000
    /// How long a viewer's feedback is read before its estimate limits what it gets.
    static let estimateWarmUp: Duration = .seconds(2)

    func sendCongestionFeedback(to peer: PeerConnection, at now: Duration) {
        guard peer.canSendMedia, let participant = peer.room.room.participant(peer.participantID) else { return }
        let sender = participant.options.feedbackSSRC
        if peer.transportFeedback != nil {
            while let feedback = peer.pollTransportFeedback(at: now, senderSSRC: sender) {
                sendRTCP(.transportWideFeedback(feedback), to: peer)
            }
        }
        if peer.remoteEstimator != nil, let bitrate = peer.remoteEstimator?.poll(at: now) {
            let ssrcs = participant.tracks.map(\.descriptor.ssrc)
            guard !ssrcs.isEmpty else { return }
            let remb = ReceiverEstimatedMaxBitrate(senderSSRC: sender, bitrate: bitrate, ssrcs: Array(ssrcs.prefix(255)))
            sendRTCP(.receiverEstimatedMaxBitrate(remb), to: peer)
        }
    }

    /// A viewer's transport-wide feedback, REMB and reception reports go to its send-side
    /// estimator (the room sees the same datagram for NACK, PLI and reports), and the new estimate
    /// to the room's allocator. Malformed feedback is the room's to count.
    func readViewerFeedback(_ packet: UnsafeRawBufferPointer, from peer: PeerConnection, at now: Duration) {
        guard peer.sendSideEstimator != nil else { return }
        var reader = RTCPReader(packet)
        var read = false
        while let slice = try? reader.next() {
            let type = slice.header.packetType
            let format = slice.header.count
            let congestion = (type == .transportFeedback && format == TransportWideFeedback.format)
                || (type == .payloadFeedback && format == ReceiverEstimatedMaxBitrate.format)
            guard congestion || type == .receiverReport || type == .senderReport,
                  let parsed = try? RTCPPacket(parsing: UnsafeRawBufferPointer(rebasing: packet[slice.range])) else { continue }
            if peer.readCongestionFeedback(parsed, at: now) {
                read = true
                if congestion { counters.feedbackReceived += 1 }
            }
        }
        guard read, let estimator = peer.sendSideEstimator else { return }
        if peer.firstViewerFeedbackAt == nil { peer.firstViewerFeedbackAt = now }
        if estimator.lossRatio >= Self.rembLossThreshold { peer.lastHeavyLoss = now }
        let room = peer.room.room
        // Probing starts at once: the start probes are what settle the first estimate.
        peer.probes?.onEstimate(estimator.targetBitrate, at: now)
        peer.probes?.setWantedBitrate(room.participant(peer.participantID)?.wantedBitrate, at: now)
        peer.canProbe = room.canSendPadding(to: peer.participantID)
        touch(peer)
        // Receiver reports alone say loss, not capacity: a loss-based bound that starts at a
        // guess would pause video that flows fine, so the room allocates only on a delay-based
        // signal. Transport-wide feedback is ours to measure and is trusted. A REMB is the
        // viewer's own guess, and a busy receiver's (aiortc in Python) guesses low while it
        // decodes everything: it limits the viewer only while the viewer also reports loss.
        // And the first estimate is a start value, not a measurement: allocating from it before
        // the probes settled it would pause a new viewer's videos for nothing.
        guard estimator.hasTransportFeedback || estimator.rembBitrate != nil,
              let first = peer.firstViewerFeedbackAt, now - first >= Self.estimateWarmUp else { return }
        if estimator.hasTransportFeedback {
            let target = max(estimator.targetBitrate, Self.minimumPacingBitrate)
            if peer.pacer == nil { peer.pacer = PacingBudget(targetBitrate: target) }
            peer.pacer?.setRates(target: target, at: now)
        }
        let congested = estimator.hasTransportFeedback || peer.lastHeavyLoss.map { now - $0 < Self.rembLossMemory } ?? false
        room.setAvailableBitrate(peer.participantID, congested ? estimator.targetBitrate : Self.unlimitedBitrate, at: now)
    }

    /// Sends what is due of the peer's probes: a planned cluster starts, a running one sends its
    /// next share of padding (tagged with the cluster, so the estimator can read its rate).
    func sendProbes(to peer: PeerConnection, at now: Duration) {
        guard peer.probes != nil, peer.canSendMedia else { return }
        if peer.activeProbe == nil, peer.canProbe, let deadline = peer.probes?.nextDeadline, deadline <= now,
           let cluster = peer.probes?.poll(at: now) {
            peer.activeProbe = ProbeSending(cluster, at: now)
        }
        guard var probe = peer.activeProbe, probe.next <= now else { return }
        egress.probeCluster = probe.cluster.id
        let sent = peer.room.room.sendPadding(to: peer.participantID, bytes: min(probe.chunk, probe.remaining), at: now)
        egress.probeCluster = nil
        probe.remaining -= sent
        probe.next = now + probe.interval
        peer.activeProbe = sent == 0 || probe.remaining <= 0 ? nil : probe
        if sent == 0 { peer.canProbe = false }
    }

    private func sendRTCP(_ packet: RTCPPacket, to peer: PeerConnection) {
        do {
            let length = try packet.marshal(into: rtcpScratch)
            egress.sendRTCP(to: peer.participantID, bytes: UnsafeRawBufferPointer(rebasing: rtcpScratch[0..<length]))
            counters.feedbackSent += 1
        } catch {
            counters.feedbackUnbuildable += 1
        }
    }
}
