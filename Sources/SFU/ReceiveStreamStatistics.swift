import RTP

/// Reception statistics of one incoming source, as RFC 3550 defines them for receiver reports:
/// loss (A.3), interarrival jitter in timestamp units (A.8), the extended highest sequence number,
/// and LSR/DLSR from the last sender report.
///
/// Sequence numbers come in track space (`InboundStream`); the extended highest sequence number
/// is reported relative to the first packet's wire value, which is what the sender counts. Jitter
/// is kept ×16 in an integer, as in RFC 3550's integer variant; retransmissions are counted as
/// received but not sampled for jitter (their transit time says nothing about the network path).
public struct ReceiveStreamStatistics: Sendable, Equatable {
    public let clockRate: UInt32

    private var baseSequenceNumber: Int64?
    private var baseWireSequenceNumber: UInt16 = 0
    /// Highest track-space sequence number received.
    public private(set) var highestSequenceNumber: Int64 = 0
    /// Packets received (duplicates and retransmissions included, as RFC 3550 counts them).
    public private(set) var received: Int64 = 0
    private var expectedPrior: Int64 = 0
    private var receivedPrior: Int64 = 0
    private var scaledJitter: Int64 = 0
    private var lastTransit: Int64?
    private var lastSenderReportNTP: UInt32 = 0
    private var lastSenderReportArrival: Duration?

    public init(clockRate: UInt32) { self.clockRate = clockRate }

    /// Whether any packet was recorded (a source with nothing received is not reported).
    public var hasReceived: Bool { baseSequenceNumber != nil }

    /// Packets expected so far: extended highest − base + 1.
    public var expected: Int64 {
        guard let base = baseSequenceNumber else { return 0 }
        return highestSequenceNumber - base + 1
    }

    /// Packets lost so far (negative when duplicates outnumber losses).
    public var cumulativeLost: Int64 { expected - received }

    /// Interarrival jitter in timestamp units.
    public var jitter: UInt32 { UInt32(clamping: scaledJitter >> 4) }

    /// The extended highest sequence number as the sender counts it (cycles << 16 | highest).
    public var extendedHighestSequenceNumber: UInt32 {
        guard let base = baseSequenceNumber else { return 0 }
        return UInt32(truncatingIfNeeded: Int64(baseWireSequenceNumber) + highestSequenceNumber - base)
    }

    /// Records one received packet.
    public mutating func record(_ packet: IncomingPacket) {
        if baseSequenceNumber == nil {
            baseSequenceNumber = packet.sequenceNumber
            baseWireSequenceNumber = packet.wireSequenceNumber
            highestSequenceNumber = packet.sequenceNumber
        }
        received += 1
        if packet.sequenceNumber > highestSequenceNumber { highestSequenceNumber = packet.sequenceNumber }
        guard !packet.isRetransmission else { return }
        let transit = packet.arrival.ticks(atRate: clockRate) &- packet.timestamp
        if let lastTransit {
            // Clamped to the 32-bit field it ends in, so no input can overflow the estimate.
            let difference = Int64(min((transit &- lastTransit).magnitude, UInt64(UInt32.max)))
            scaledJitter += difference - ((scaledJitter + 8) >> 4)
        }
        lastTransit = transit
    }

    /// Records a sender report from the source (for LSR/DLSR).
    public mutating func recordSenderReport(compactNTP: UInt32, at now: Duration) {
        lastSenderReportNTP = compactNTP
        lastSenderReportArrival = now
    }

    /// The report block for this source at `now`; starts a new interval for the fraction lost.
    public mutating func makeReportBlock(ssrc: UInt32, at now: Duration) -> ReportBlock {
        let expectedNow = expected
        let expectedInterval = expectedNow - expectedPrior
        let receivedInterval = received - receivedPrior
        expectedPrior = expectedNow
        receivedPrior = received
        let lostInterval = expectedInterval - receivedInterval
        let fraction: UInt8 = expectedInterval <= 0 || lostInterval <= 0
            ? 0 : UInt8(clamping: (lostInterval << 8) / expectedInterval)
        let range = ReportBlock.cumulativeLostRange
        let lost = Int32(clamping: min(max(cumulativeLost, Int64(range.lowerBound)), Int64(range.upperBound)))
        var delay: UInt32 = 0
        if let arrival = lastSenderReportArrival { delay = (now - arrival).rtcpShortUnits }
        return ReportBlock(ssrc: ssrc, fractionLost: fraction, cumulativeLost: lost,
                           extendedHighestSequenceNumber: extendedHighestSequenceNumber, jitter: jitter,
                           lastSenderReport: lastSenderReportNTP, delaySinceLastSenderReport: delay)
    }
}
