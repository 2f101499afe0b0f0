/// The packets of one RTCP datagram: a compound packet (RFC 3550 §6.1) or a single reduced-size
/// packet (RFC 5506). Parse decodes each packet; marshal concatenates them.
public struct RTCPCompoundPacket: Sendable, Equatable {
    public var packets: [RTCPPacket]

    public init(packets: [RTCPPacket]) { self.packets = packets }

    /// Decodes every packet of the datagram; an empty datagram or any bad packet is an error.
    public init(parsing datagram: UnsafeRawBufferPointer) throws(RTCPError) {
        guard !datagram.isEmpty else { throw .empty }
        var reader = RTCPReader(datagram)
        var packets: [RTCPPacket] = []
        while let slice = try reader.next() {
            packets.append(try RTCPPacket(parsing: UnsafeRawBufferPointer(rebasing: datagram[slice.range])))
        }
        self.packets = packets
    }

    public init(parsing bytes: [UInt8]) throws(RTCPError) {
        let result: Result<RTCPCompoundPacket, RTCPError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(RTCPError) in try RTCPCompoundPacket(parsing: buffer) }
        }
        self = try result.get()
    }

    public var marshalSize: Int { packets.reduce(0) { $0 + $1.marshalSize } }

    /// Writes every packet back to back at the start of `buffer`; returns the bytes written.
    public func marshal(into buffer: UnsafeMutableRawBufferPointer) throws(RTCPError) -> Int {
        guard !packets.isEmpty else { throw .empty }
        let size = marshalSize
        guard buffer.count >= size else { throw .bufferTooSmall(needed: size, have: buffer.count) }
        var offset = 0
        for packet in packets {
            offset += try packet.marshal(into: UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]))
        }
        return offset
    }

    public func marshal() throws(RTCPError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: marshalSize)
        let result: Result<Int, RTCPError> = out.withUnsafeMutableBytes { buffer in
            Result { () throws(RTCPError) in try marshal(into: buffer) }
        }
        _ = try result.get()
        return out
    }
}
