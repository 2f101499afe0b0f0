import RTP

/// Turns a publisher's sender report into the one a viewer needs: the viewer-side SSRC, the RTP
/// timestamp mapped through the viewer's `Forwarder` offsets, the NTP time kept (browsers pair
/// NTP and RTP times of audio and video to synchronise lips), and packet/octet counts of what was
/// actually sent to this viewer.
///
/// It also remembers when it sent each report, keyed by the compact NTP the viewer will echo as
/// LSR, so a receiver report from the viewer yields the round-trip time (RFC 3550 §6.4.1:
/// now − time the SR was sent − DLSR). Fixed ring, no allocation.
public struct SenderReportRewriter: Sendable, Equatable {
    private struct Sent: Sendable, Equatable {
        var compactNTP: UInt32
        var at: Duration
    }

    private var sent: [Sent?]
    private var next = 0
    /// Reports produced.
    public private(set) var rewritten = 0

    public init(memory: Int = 8) {
        sent = Array(repeating: nil, count: max(memory, 1))
    }

    /// The viewer's report for the publisher's `report` of source `epoch`, or nil when the
    /// forwarder is not forwarding that epoch (no mapping to give).
    public mutating func rewrite(_ report: SenderReport, epoch: UInt32, forwarder: Forwarder,
                                 at now: Duration) -> SenderReport? {
        guard forwarder.hasStarted,
              let timestamp = forwarder.outputTimestamp(forSourceTimestamp: report.rtpTimestamp, epoch: epoch) else {
            return nil
        }
        let out = SenderReport(ssrc: forwarder.configuration.ssrc, ntpTimestamp: report.ntpTimestamp,
                               rtpTimestamp: timestamp, packetCount: UInt32(truncatingIfNeeded: forwarder.packetCount),
                               octetCount: UInt32(truncatingIfNeeded: forwarder.payloadOctetCount))
        sent[next] = Sent(compactNTP: out.compactNTPTimestamp, at: now)
        next = (next + 1) % sent.count
        rewritten += 1
        return out
    }

    /// The round-trip time a viewer's report block implies, or nil when it echoes no report
    /// this rewriter sent (or the numbers are inconsistent).
    public func roundTripTime(for block: ReportBlock, at now: Duration) -> Duration? {
        guard block.lastSenderReport != 0 else { return nil }
        for case let entry? in sent where entry.compactNTP == block.lastSenderReport {
            let rtt = now - entry.at - Duration.rtcpShortUnits(block.delaySinceLastSenderReport)
            return rtt >= .zero ? rtt : nil
        }
        return nil
    }
}
