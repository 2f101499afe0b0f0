/// One RTCP packet type: parse from exactly one packet's bytes, marshal into a caller buffer.
///
/// The Pion triple: `marshalSize`, `marshal(into:)` writing at the start of a caller buffer (no
/// allocation), and `marshal()` returning owned bytes. Parsing reads the caller's buffer in place;
/// the parsed value owns only its lists.
public protocol RTCPWirePacket: Sendable, Equatable {
    /// Parses one packet that fills `packet` exactly (trailing padding allowed when P is set).
    init(parsing packet: UnsafeRawBufferPointer) throws(RTCPError)
    /// Bytes `marshal` writes: a multiple of 4.
    var marshalSize: Int { get }
    /// Writes the packet at the start of `buffer` and returns `marshalSize`.
    func marshal(into buffer: UnsafeMutableRawBufferPointer) throws(RTCPError) -> Int
}

extension RTCPWirePacket {
    /// Parses one packet from owned bytes.
    public init(parsing bytes: [UInt8]) throws(RTCPError) {
        let result: Result<Self, RTCPError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(RTCPError) in try Self(parsing: buffer) }
        }
        self = try result.get()
    }

    /// The packet as owned bytes.
    public func marshal() throws(RTCPError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: marshalSize)
        let result: Result<Int, RTCPError> = out.withUnsafeMutableBytes { buffer in
            Result { () throws(RTCPError) in try marshal(into: buffer) }
        }
        _ = try result.get()
        return out
    }

    /// Throws unless `size` fits the 16-bit length field and `buffer` has room for it.
    static func requireRoom(_ size: Int, in buffer: UnsafeMutableRawBufferPointer) throws(RTCPError) {
        guard size <= (Int(UInt16.max) + 1) * 4 else { throw .valueOutOfRange("packet of \(size) bytes exceeds the length field") }
        guard buffer.count >= size else { throw .bufferTooSmall(needed: size, have: buffer.count) }
    }
}
