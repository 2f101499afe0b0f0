/// Writes an RTP packet (header, optional CSRCs, extension block, payload, padding) into a buffer.
///
/// Meant for senders we own (synthetic peers, probes, benchmarks, tests). Configure once, then
/// `write(payload:into:)` per packet: that call does not allocate.
public struct RTPPacketBuilder: Sendable, Equatable {
    public var payloadType: UInt8
    public var sequenceNumber: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32
    public var marker: Bool
    /// Up to 15 contributing sources.
    public var csrcs: [UInt32]
    /// Extension elements, written in this order.
    public var extensions: [RTPHeaderExtension]
    /// The extension form; nil picks the smallest that fits the elements.
    public var extensionForm: RTPHeaderExtensionForm?
    /// Bytes of padding to append (0 = none; the last one holds the count).
    public var paddingLength: UInt8

    public init(payloadType: UInt8, sequenceNumber: UInt16 = 0, timestamp: UInt32 = 0, ssrc: UInt32,
                marker: Bool = false, csrcs: [UInt32] = [], extensions: [RTPHeaderExtension] = [],
                extensionForm: RTPHeaderExtensionForm? = nil, paddingLength: UInt8 = 0) {
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.marker = marker
        self.csrcs = csrcs
        self.extensions = extensions
        self.extensionForm = extensionForm
        self.paddingLength = paddingLength
    }

    var resolvedForm: RTPHeaderExtensionForm {
        extensionForm ?? RTPHeaderExtensionForm.fitting(extensions)
    }

    /// Bytes before the payload.
    public var headerLength: Int {
        var length = RTPHeader.fixedLength + csrcs.count * 4
        if !extensions.isEmpty {
            length += RTPHeaderExtensionWriter.blockLength(form: resolvedForm,
                                                            valueLengths: extensions.lazy.map(\.value.count))
        }
        return length
    }

    /// Bytes of a packet with a payload of `payloadLength` bytes.
    public func packetLength(payloadLength: Int) -> Int {
        headerLength + payloadLength + Int(paddingLength)
    }

    /// Writes the packet and returns its length.
    public func write(payload: UnsafeRawBufferPointer, into buffer: UnsafeMutableRawBufferPointer) throws(RTPError) -> Int {
        guard payloadType <= 0x7F, csrcs.count <= 15 else { throw .valueOutOfRange }
        let total = packetLength(payloadLength: payload.count)
        guard buffer.count >= total else { throw .bufferTooSmall(needed: total, have: buffer.count) }

        buffer[0] = 0x80 | (paddingLength > 0 ? 0x20 : 0) | (extensions.isEmpty ? 0 : 0x10) | UInt8(csrcs.count)
        buffer[1] = (marker ? 0x80 : 0) | payloadType
        buffer.storeBE(sequenceNumber, at: 2)
        buffer.storeBE(timestamp, at: 4)
        buffer.storeBE(ssrc, at: 8)
        var offset = RTPHeader.fixedLength
        for csrc in csrcs {
            buffer.storeBE(csrc, at: offset)
            offset += 4
        }
        if !extensions.isEmpty {
            var writer = try RTPHeaderExtensionWriter(form: resolvedForm, buffer: buffer, at: offset)
            for element in extensions { try writer.append(id: element.id, value: element.value) }
            offset += try writer.finish()
        }
        if !payload.isEmpty {
            UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<offset + payload.count]).copyMemory(from: payload)
        }
        offset += payload.count
        if paddingLength > 0 {
            for index in offset..<offset + Int(paddingLength) - 1 { buffer[index] = 0 }
            offset += Int(paddingLength)
            buffer[offset - 1] = paddingLength
        }
        return offset
    }

    /// The packet as owned bytes.
    public func build(payload: [UInt8]) throws(RTPError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: packetLength(payloadLength: payload.count))
        let result: Result<Int, RTPError> = payload.withUnsafeBytes { source in
            out.withUnsafeMutableBytes { target in
                Result { () throws(RTPError) in try write(payload: source, into: target) }
            }
        }
        _ = try result.get()
        return out
    }
}
