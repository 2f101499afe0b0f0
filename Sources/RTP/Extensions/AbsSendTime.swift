/// abs-send-time: the sender's send time as 24-bit 6.18 fixed-point seconds, wrapping every 64 s.
public struct AbsSendTime: RTPHeaderExtensionValue {
    /// The 24-bit wire value.
    public let rawValue: UInt32

    public var encodedLength: Int { 3 }

    /// 10^18 attoseconds / 2^18 = 5^18 exactly, so conversions need no floating point.
    @usableFromInline static let attosecondsPerTick: Int64 = 3_814_697_265_625

    public init(rawValue: UInt32) { self.rawValue = rawValue & 0xFF_FFFF }

    /// The wire value for a send time (an offset from any origin; only its value mod 64 s is sent).
    public init(_ time: Duration) {
        let (seconds, attoseconds) = time.components
        let whole = UInt32(truncatingIfNeeded: seconds) << 18
        let fraction = UInt32(truncatingIfNeeded: attoseconds / AbsSendTime.attosecondsPerTick)
        self.init(rawValue: whole &+ fraction)
    }

    /// The time this value stands for, in 0 ..< 64 s.
    public var duration: Duration {
        Duration(secondsComponent: Int64(rawValue >> 18),
                 attosecondsComponent: Int64(rawValue & 0x3FFFF) * AbsSendTime.attosecondsPerTick)
    }

    @inlinable
    public init(parsing value: UnsafeRawBufferPointer) throws(RTPError) {
        guard value.count == 3 else { throw .badExtensionLength(expected: 3, have: value.count) }
        rawValue = value.beUInt24(at: 0)
    }

    public func write(into value: UnsafeMutableRawBufferPointer) {
        value.storeBE24(rawValue, at: 0)
    }
}
