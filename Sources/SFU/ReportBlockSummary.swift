/// What a viewer last reported about one stream (from its RR/SR report block).
public struct ReportBlockSummary: Sendable, Equatable {
    public var fractionLost: UInt8
    public var cumulativeLost: Int32
    public var jitter: UInt32
    public var receivedAt: Duration
}
