import RTP

/// What a receiver says about one incoming RTP stream in its receiver reports (RFC 3550 §6.4.1):
/// the extended highest sequence number, cumulative and interval loss, and LSR/DLSR from the
/// sender's last report, from which the sender measures the round trip. The SFU spaces its
/// retransmissions of one packet by that round trip (half of it): a viewer that never reports
/// is repaired at the pace of the SFU's initial guess (100 ms), not at the path's.
/// Interarrival jitter is reported as 0: synthetic viewers do not estimate it.
public struct ReceptionStatistics: Sendable, Equatable {
    private var unwrapper = SequenceNumberUnwrapper()
    private var base: Int64?
    private var baseWire: UInt16 = 0
    public private(set) var highest: Int64 = 0
    public private(set) var received: Int64 = 0
    private var expectedPrior: Int64 = 0
    private var receivedPrior: Int64 = 0
    private var lastSenderReport: UInt32 = 0
    private var lastSenderReportAt: Duration?

    public init() {}

    public var expected: Int64 { base.map { highest - $0 + 1 } ?? 0 }

    public mutating func record(sequenceNumber: UInt16) {
        let sequence = unwrapper.unwrap(sequenceNumber)
        if base == nil {
            base = sequence
            baseWire = sequenceNumber
            highest = sequence
        }
        received += 1
        highest = max(highest, sequence)
    }

    /// The sender's report arrived: its compact NTP time (the middle 32 bits) is echoed as LSR.
    public mutating func recordSenderReport(compactNTP: UInt32, at now: Duration) {
        lastSenderReport = compactNTP
        lastSenderReportAt = now
    }

    /// The block for this stream at `now`; starts a new interval for the fraction lost.
    public mutating func reportBlock(ssrc: UInt32, at now: Duration) -> ReportBlock {
        let expectedInterval = expected - expectedPrior
        let lostInterval = expectedInterval - (received - receivedPrior)
        expectedPrior = expected
        receivedPrior = received
        let fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : UInt8(clamping: (lostInterval << 8) / expectedInterval)
        let highestWire = UInt32(truncatingIfNeeded: Int64(baseWire) + highest - (base ?? 0))
        var delay: UInt32 = 0
        if let at = lastSenderReportAt, now > at {
            let (seconds, attoseconds) = (now - at).components
            delay = UInt32(clamping: seconds * 65_536 + attoseconds / 1_000_000_000 * 65_536 / 1_000_000_000)
        }
        return ReportBlock(ssrc: ssrc, fractionLost: fraction, cumulativeLost: Int32(clamping: max(0, expected - received)),
                           extendedHighestSequenceNumber: highestWire, jitter: 0, lastSenderReport: lastSenderReport,
                           delaySinceLastSenderReport: delay)
    }
}
