import RTP

/// What a receiver says about one incoming RTP stream in its receiver reports (RFC 3550 §6.4.1):
/// the extended highest sequence number, cumulative and interval loss, and LSR/DLSR from the
/// sender's last report, from which the sender measures the round trip. The SFU spaces its
/// retransmissions of one packet by that round trip (half of it): a viewer that never reports
/// is repaired at the pace of the SFU's initial guess (100 ms), not at the path's.
/// Interarrival jitter is RFC 3550's (§6.4.1, A.8) estimate from the RTP timestamps and arrival
/// times, updated only by packets that advance the sequence (as libwebrtc does): a NACKed
/// packet's late arrival is repair, not path jitter.
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
    /// RTP timestamp units per second of the stream (90,000 for video, 48,000 for Opus).
    public let clockRate: UInt32
    /// Jitter × 16 in timestamp units, as A.8 keeps it to stay in integers.
    private var scaledJitter: Int64 = 0
    private var lastTransit: Int64?

    public init(clockRate: UInt32 = 90_000) {
        self.clockRate = clockRate
    }

    /// Interarrival jitter in timestamp units (what a report block carries).
    public var jitter: UInt32 { UInt32(clamping: scaledJitter >> 4) }

    public var jitterMilliseconds: Double { Double(scaledJitter) / 16 * 1_000 / Double(clockRate) }

    public var expected: Int64 { base.map { highest - $0 + 1 } ?? 0 }

    /// One packet: its sequence number, its RTP timestamp and when it arrived (any clock that
    /// only moves forward).
    public mutating func record(sequenceNumber: UInt16, timestamp: UInt32, arrival: Duration) {
        let sequence = unwrapper.unwrap(sequenceNumber)
        let advances = base == nil || sequence > highest
        if base == nil {
            base = sequence
            baseWire = sequenceNumber
            highest = sequence
        }
        received += 1
        highest = max(highest, sequence)
        guard advances else { return }
        let (seconds, attoseconds) = arrival.components
        let arrivalUnits = seconds * Int64(clockRate) + attoseconds / 1_000_000_000 * Int64(clockRate) / 1_000_000_000
        // Transit time modulo 2^32: only differences between packets matter, and a timestamp
        // that wraps moves the transit by 2^32, which the truncation removes.
        let transit = Int64(Int32(truncatingIfNeeded: arrivalUnits &- Int64(timestamp)))
        if let last = lastTransit {
            let d = abs(Int64(Int32(truncatingIfNeeded: transit &- last)))
            scaledJitter += d - ((scaledJitter + 8) >> 4)
        }
        lastTransit = transit
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
                           extendedHighestSequenceNumber: highestWire, jitter: jitter, lastSenderReport: lastSenderReport,
                           delaySinceLastSenderReport: delay)
    }
}
