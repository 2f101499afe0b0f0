import Congestion
import RTP

// The driver's congestion state: feedback about what the peer publishes (transport-wide or
// REMB), and the estimate of what we may send it as a viewer.

extension PeerConnection {
    var sendsCongestionFeedback: Bool { transportFeedback != nil || remoteEstimator != nil }

    func pollTransportFeedback(at now: Duration, senderSSRC: UInt32) -> TransportWideFeedback? {
        transportFeedback?.poll(at: now, senderSSRC: senderSSRC, mediaSSRC: lastMediaSSRC)
    }

    /// Takes what negotiation agreed: extension ids, and the feedback the peer's publishing
    /// needs (made once; a renegotiation keeps the state it has).
    func update(features: PeerRTPFeatures) {
        self.features = features
        switch features.publisherFeedback {
        case .transportCC:
            if transportFeedback == nil { transportFeedback = TransportFeedbackBuilder() }
        case .remb:
            if remoteEstimator == nil { remoteEstimator = RemoteBitrateEstimator() }
        case .none:
            break
        }
        if features.viewerFeedback != .none, sendSideEstimator == nil { sendSideEstimator = SendSideBandwidthEstimator() }
        if features.viewerFeedback == .transportCC, probes == nil { probes = ProbeController(configuration: Self.probing) }
    }

    /// A viewer held below a layer it wants (a cap that lifted, a Wi-Fi that recovered) finds the
    /// headroom only by probing: every 2 s rather than libwebrtc's 5 s, so a viewer climbs back
    /// to the best layer within seconds. Each probe is 15 ms at twice the estimate, about 1.5 %
    /// on top of the stream.
    static let probing: ProbeController.Configuration = {
        var configuration = ProbeController.Configuration()
        configuration.allocationProbeInterval = .seconds(2)
        return configuration
    }()

    /// Records a packet we stamped with a transport-wide number, for the viewer's feedback.
    func packetSent(transportSequenceNumber: UInt16, size: Int, at now: Duration, probeCluster: Int?) {
        sendSideEstimator?.onPacketSent(transportSequenceNumber: transportSequenceNumber, size: size, at: now,
                                        probeCluster: probeCluster)
    }

    /// Feedback from the peer about what we send it. Returns whether it was congestion feedback.
    func readCongestionFeedback(_ packet: RTCPPacket, at now: Duration) -> Bool {
        switch packet {
        case .transportWideFeedback(let feedback):
            sendSideEstimator?.onTransportFeedback(feedback, at: now)
        case .receiverEstimatedMaxBitrate(let remb):
            sendSideEstimator?.onREMB(bitrate: remb.bitrate, at: now)
        case .receiverReport(let report):
            guard let worst = report.reports.map(\.fractionLost).max() else { return false }
            sendSideEstimator?.onReceiverReport(fractionLost: worst, at: now)
        case .senderReport(let report):
            guard let worst = report.reports.map(\.fractionLost).max() else { return false }
            sendSideEstimator?.onReceiverReport(fractionLost: worst, at: now)
        default:
            return false
        }
        return true
    }

    /// Notes one decrypted RTP packet from the peer for congestion feedback: its transport-wide
    /// number (transport-cc) or abs-send-time (REMB). No allocation. (The SFU's view of what a
    /// publisher sends is per track, `PublishedTrack.rate`, which the allocator reads.)
    func recordIngress(_ packet: UnsafeRawBufferPointer, at now: Duration) {
        guard transportFeedback != nil || remoteEstimator != nil, let header = try? RTPHeader(parsing: packet) else { return }
        lastMediaSSRC = header.ssrc
        let ids = features.extensions
        if transportFeedback != nil, ids.transportSequenceNumber != 0,
           let range = header.extensionValueRange(id: ids.transportSequenceNumber, in: packet),
           let number = try? TransportSequenceNumber(parsing: UnsafeRawBufferPointer(rebasing: packet[range])) {
            transportFeedback?.packetArrived(number.value, at: now)
        }
        if remoteEstimator != nil, ids.absSendTime != 0,
           let range = header.extensionValueRange(id: ids.absSendTime, in: packet),
           let sent = try? AbsSendTime(parsing: UnsafeRawBufferPointer(rebasing: packet[range])) {
            remoteEstimator?.onPacket(absSendTime: sent.rawValue, arrival: now, size: packet.count)
        }
    }
}
