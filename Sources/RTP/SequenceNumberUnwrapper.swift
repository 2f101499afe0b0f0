/// Extends 16-bit RTP sequence numbers to 64 bits (house rule 5: unwrap once on arrival, never
/// compare wrapped values again; truncate only when writing).
///
/// Each value is placed at the 64-bit number nearest to the highest one seen so far, so a wrap
/// from 65535 to 0 moves forward, and packets reordered by less than half the range (32768) land
/// before it. The first value maps to itself; a packet reordered from before it maps below it,
/// possibly negative, which is why the result is signed.
public struct SequenceNumberUnwrapper: Sendable, Equatable {
    @usableFromInline var newest: Int64?

    /// The highest extended value returned so far; nil before the first.
    public var highest: Int64? { newest }

    public init() {}

    /// The extended value of `sequenceNumber`; remembers it when it is the newest so far.
    @inlinable
    public mutating func unwrap(_ sequenceNumber: UInt16) -> Int64 {
        let extended = peek(sequenceNumber)
        if extended > newest ?? Int64.min { newest = extended }
        return extended
    }

    /// The extended value `unwrap` would return, without remembering it.
    @inlinable
    public func peek(_ sequenceNumber: UInt16) -> Int64 {
        guard let highest = newest else { return Int64(sequenceNumber) }
        // The signed 16-bit difference picks the nearest candidate; exactly half the range
        // (-32768) counts as older, as in libwebrtc.
        let delta = Int16(bitPattern: sequenceNumber &- UInt16(truncatingIfNeeded: highest))
        return highest + Int64(delta)
    }
}
