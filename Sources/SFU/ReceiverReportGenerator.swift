import RTP

/// When to send receiver reports to a publisher, and how they are assembled: one RR every
/// `interval` (RFC 3550 leaves the interval to the profile; WebRTC senders expect about 1 s),
/// carrying one block per source (at most 31, the RC field's limit).
///
/// The schedule starts with the first media packet of the participant and stops when it
/// publishes nothing, so an idle room has no deadline.
public struct ReceiverReportGenerator: Sendable, Equatable {
    public static let maxBlocks = 31

    public var interval: Duration
    /// When the next report is due; nil while stopped.
    public private(set) var nextDeadline: Duration?

    public init(interval: Duration = .seconds(1)) { self.interval = interval }

    /// Starts the schedule at `now` if it is not running.
    public mutating func start(at now: Duration) {
        if nextDeadline == nil { nextDeadline = now + interval }
    }

    public mutating func stop() { nextDeadline = nil }

    /// Whether a report is due at `now`; when it is, the next one is scheduled an interval later.
    public mutating func isDue(at now: Duration) -> Bool {
        guard let deadline = nextDeadline, deadline <= now else { return false }
        // Keep the cadence, but never schedule into the past after a long stall.
        let next = deadline + interval
        nextDeadline = next > now ? next : now + interval
        return true
    }

    /// The report of `senderSSRC` with `blocks` (the first 31 of them).
    public static func report(senderSSRC: UInt32, blocks: [ReportBlock]) -> ReceiverReport {
        ReceiverReport(ssrc: senderSSRC, reports: blocks.count > maxBlocks ? Array(blocks.prefix(maxBlocks)) : blocks)
    }
}
