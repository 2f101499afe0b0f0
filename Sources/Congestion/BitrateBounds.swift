/// The bounds every estimator's configuration carries: where it starts and the range it stays in.
/// One definition of the memberwise init and of the range, so a max below the min means the same
/// thing everywhere (the range collapses to the min).
public protocol BitrateBounds {
    var startBitrate: UInt64 { get set }
    var minBitrate: UInt64 { get set }
    var maxBitrate: UInt64 { get set }
    init()
}

extension BitrateBounds {
    public init(startBitrate: UInt64, minBitrate: UInt64, maxBitrate: UInt64) {
        self.init()
        self.startBitrate = startBitrate
        self.minBitrate = minBitrate
        self.maxBitrate = Swift.max(maxBitrate, minBitrate)
    }

    var bitrateRange: ClosedRange<UInt64> { minBitrate...Swift.max(minBitrate, maxBitrate) }
}
