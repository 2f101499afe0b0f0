// Builders for the packets the SFU suites feed: real RTP bytes (RTPPacketBuilder, VP8
// descriptors) from a TestSupport `PlannedPacket`, and `IncomingPacket` values for
// forwarder-level tables.
import RTP
import SFU
import TestSupport

enum TestPackets {
    static let vp8PayloadType: UInt8 = 96
    static let rtxPayloadType: UInt8 = 97
    static let opusPayloadType: UInt8 = 111
    static let h264PayloadType: UInt8 = 102

    /// A VP8 packet: descriptor with 15-bit picture id and TL0PICIDX, then a frame header byte
    /// whose P bit says key/delta on a frame's first packet, then a pattern that identifies it.
    static func vp8(_ planned: PlannedPacket, ssrc: UInt32, payloadType: UInt8 = vp8PayloadType, payloadSize: Int = 60,
                    extensions: [RTPHeaderExtension] = [], sevenBitPictureID: Bool = false, temporalLayer: UInt8 = 0,
                    layerSync: Bool = false) throws -> [UInt8] {
        let descriptor = VP8PayloadDescriptor(startOfPartition: planned.startsFrame, partitionIndex: 0,
                                              pictureID: planned.pictureID, pictureIDIs15Bit: !sevenBitPictureID,
                                              tl0PictureIndex: planned.tl0PictureIndex, temporalLayer: temporalLayer,
                                              layerSync: layerSync)
        var payload = [UInt8](repeating: 0, count: descriptor.headerLength)
        _ = try withMutableBytes(&payload) { buffer throws(RTPError) in try descriptor.marshal(into: buffer) }
        payload.append(planned.isKeyframe && planned.startsFrame ? 0x10 : 0x11)
        while payload.count < payloadSize { payload.append(UInt8(truncatingIfNeeded: planned.index &+ payload.count)) }
        let builder = RTPPacketBuilder(payloadType: payloadType, sequenceNumber: planned.sequenceNumber,
                                       timestamp: planned.timestamp, ssrc: ssrc, marker: planned.marker,
                                       extensions: extensions)
        return try builder.build(payload: payload)
    }

    /// An Opus-like packet: a TOC byte (CELT 20 ms) and a pattern.
    static func opus(_ planned: PlannedPacket, ssrc: UInt32, payloadType: UInt8 = opusPayloadType,
                     extensions: [RTPHeaderExtension] = []) throws -> [UInt8] {
        var payload: [UInt8] = [0xF8]
        while payload.count < 40 { payload.append(UInt8(truncatingIfNeeded: planned.index &+ payload.count)) }
        let builder = RTPPacketBuilder(payloadType: payloadType, sequenceNumber: planned.sequenceNumber,
                                       timestamp: planned.timestamp, ssrc: ssrc, marker: false, extensions: extensions)
        return try builder.build(payload: payload)
    }

    /// A padding-only packet (no payload, `padding` bytes of padding).
    static func padding(sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32, payloadType: UInt8,
                        padding: UInt8 = 200) throws -> [UInt8] {
        let builder = RTPPacketBuilder(payloadType: payloadType, sequenceNumber: sequenceNumber, timestamp: timestamp,
                                       ssrc: ssrc, paddingLength: padding)
        return try builder.build(payload: [])
    }

    /// The RFC 4588 form of `media`: RTX SSRC/PT/seq, then the OSN, then the original payload.
    static func rtx(of media: [UInt8], ssrc: UInt32, payloadType: UInt8 = rtxPayloadType,
                    sequenceNumber: UInt16, extensions: [RTPHeaderExtension] = []) throws -> [UInt8] {
        let header = try RTPHeader(parsing: media)
        let payload = [UInt8(header.sequenceNumber >> 8), UInt8(header.sequenceNumber & 0xFF)]
            + Array(media[header.payloadRange])
        let builder = RTPPacketBuilder(payloadType: payloadType, sequenceNumber: sequenceNumber,
                                       timestamp: header.timestamp, ssrc: ssrc, marker: header.marker,
                                       extensions: extensions)
        return try builder.build(payload: payload)
    }

    /// An `IncomingPacket` value for forwarder tables (no bytes behind it).
    static func incoming(_ sequenceNumber: Int64, ts timestamp: Int64, key: Bool = false, padding: Bool = false,
                         marker: Bool = true, epoch: UInt32 = 0, at milliseconds: Int64 = 0, pictureID: UInt16? = nil,
                         tl0: UInt8? = nil, ssrc: UInt32 = 0xAAAA) -> IncomingPacket {
        IncomingPacket(ssrc: ssrc, epoch: epoch, sequenceNumber: sequenceNumber, timestamp: timestamp, marker: marker,
                       payloadType: vp8PayloadType, isKeyframe: key, vp8PictureID: pictureID, vp8TL0PictureIndex: tl0,
                       headerLength: 12, payloadRange: padding ? 12..<12 : 12..<112, size: padding ? 212 : 112,
                       arrival: .seconds(1000) + .milliseconds(milliseconds))
    }
}

/// Runs `body` over the bytes of `bytes`, forwarding its typed error.
func withBytes<T, E: Error>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(E) -> T) throws(E) -> T {
    let result: Result<T, E> = bytes.withUnsafeBytes { buffer in Result { () throws(E) in try body(buffer) } }
    return try result.get()
}

/// Runs `body` over a mutable copy of `bytes`.
func withMutableBytes<T, E: Error>(_ bytes: inout [UInt8],
                                   _ body: (UnsafeMutableRawBufferPointer) throws(E) -> T) throws(E) -> T {
    let result: Result<T, E> = bytes.withUnsafeMutableBytes { buffer in Result { () throws(E) in try body(buffer) } }
    return try result.get()
}

/// Turns RTP bytes of one track into `IncomingPacket` values the way the room does.
struct PacketAnalyzer {
    var stream: InboundStream
    let codec: CodecKind

    init(ssrc: UInt32, codec: CodecKind) {
        stream = InboundStream(ssrc: ssrc)
        self.codec = codec
    }

    /// The analysis of `bytes`, or nil when the stream rejected it as a wild jump.
    mutating func analyze(_ bytes: [UInt8], at now: Duration) throws -> IncomingPacket? {
        let header = try RTPHeader(parsing: bytes)
        guard let arrival = stream.accept(sequenceNumber: header.sequenceNumber, timestamp: header.timestamp) else {
            return nil
        }
        let codec = codec
        return try withBytes(bytes) { buffer throws(SFUError) in
            try IncomingPacket(analyzing: buffer, header: header, codec: codec, arrival: arrival, at: now)
        }
    }
}
