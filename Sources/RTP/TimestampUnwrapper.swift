/// Extends 32-bit RTP timestamps to 64 bits; see `SequenceNumberUnwrapper` for the rules, with a
/// half range of 2^31 ticks (over 6 hours at 90 kHz).
public struct TimestampUnwrapper: Sendable, Equatable {
    @usableFromInline var newest: Int64?

    /// The highest extended value returned so far; nil before the first.
    public var highest: Int64? { newest }

    public init() {}

    @inlinable
    public mutating func unwrap(_ timestamp: UInt32) -> Int64 {
        let extended = peek(timestamp)
        if extended > newest ?? Int64.min { newest = extended }
        return extended
    }

    @inlinable
    public func peek(_ timestamp: UInt32) -> Int64 {
        guard let highest = newest else { return Int64(timestamp) }
        let delta = Int32(bitPattern: timestamp &- UInt32(truncatingIfNeeded: highest))
        return highest + Int64(delta)
    }
}
