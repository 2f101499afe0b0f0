/// transport-wide-cc: a 16-bit sequence number shared by all media of a transport, which the
/// receiver's transport-wide feedback refers to. A forwarder assigns its own per viewer.
public struct TransportSequenceNumber: RTPHeaderExtensionValue {
    public let value: UInt16

    public var encodedLength: Int { 2 }

    public init(_ value: UInt16) { self.value = value }

    /// Accepts the 2-byte form and the 4-byte form of transport-wide-cc-02 (seq + feedback request).
    @inlinable
    public init(parsing value: UnsafeRawBufferPointer) throws(RTPError) {
        guard value.count == 2 || value.count == 4 else {
            throw .badExtensionLength(expected: 2, have: value.count)
        }
        self.value = value.beUInt16(at: 0)
    }

    public func write(into value: UnsafeMutableRawBufferPointer) {
        value.storeBE(self.value, at: 0)
    }

    /// Overwrites the sequence number of an element in place (`range` from the parsed header).
    @inlinable
    public static func rewrite(_ sequenceNumber: UInt16, in packet: UnsafeMutableRawBufferPointer,
                               at range: Range<Int>) throws(RTPError) {
        guard range.count == 2 || range.count == 4 else {
            throw .badExtensionLength(expected: 2, have: range.count)
        }
        guard range.lowerBound >= 0, range.upperBound <= packet.count else {
            throw .truncated(needed: range.upperBound, have: packet.count)
        }
        packet.storeBE(sequenceNumber, at: range.lowerBound)
    }
}
