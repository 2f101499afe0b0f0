import NIOCore

/// RFC 4571 framing for ICE over TCP (RFC 6544): each STUN, DTLS or SRTP packet goes as a 16-bit
/// big-endian length and that many bytes. This decoder cuts the byte stream back into packets.
///
/// A zero length is legal framing of nothing and is skipped. Nothing here can be too large (the
/// length field caps a frame at 65,535 bytes), so a hostile stream can only cost what it sends;
/// NIO buffers at most one partial frame per connection.
struct TCPMediaFramer: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = Self.nextFrame(from: &buffer) else { return .needMoreData }
        if frame.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(frame)) }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A partial frame at the end of the stream is dropped with the connection.
        while let frame = Self.nextFrame(from: &buffer) {
            if frame.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(frame)) }
        }
        return .needMoreData
    }

    /// The next whole frame's payload, consumed from `buffer`; nil (and nothing consumed) until
    /// the whole frame is there.
    static func nextFrame(from buffer: inout ByteBuffer) -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self),
              buffer.readableBytes >= 2 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 2)
        return buffer.readSlice(length: Int(length))
    }
}
