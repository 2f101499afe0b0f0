/// sdes:mid, sdes:rtp-stream-id and repaired-rtp-stream-id (RFC 8843, RFC 8852): a short token
/// naming the media section or simulcast layer a packet belongs to.
public struct StreamIdentifier: RTPHeaderExtensionValue {
    public let value: String

    public var encodedLength: Int { value.utf8.count }

    public init(_ value: String) { self.value = value }

    /// Trailing zero bytes are dropped (some senders pad to the element length), and the rest
    /// must be 1...255 printable ASCII bytes, which every mid and rid in practice is.
    public init(parsing value: UnsafeRawBufferPointer) throws(RTPError) {
        let token = StreamIdentifier.token(value)
        guard !token.isEmpty else { throw .badExtensionLength(expected: 1, have: 0) }
        guard token.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .badPayload("stream identifier is not printable ASCII")
        }
        self.value = String(decoding: token, as: UTF8.self)
    }

    public func write(into value: UnsafeMutableRawBufferPointer) {
        _ = value.initializeMemory(as: UInt8.self, from: self.value.utf8)
    }

    /// Whether an element's bytes carry this identifier, without allocating a String: the
    /// per-packet check a simulcast demuxer does until it has learned the layer's SSRC.
    public func matches(_ element: UnsafeRawBufferPointer) -> Bool {
        let token = StreamIdentifier.token(element)
        return token.elementsEqual(value.utf8)
    }

    private static func token(_ bytes: UnsafeRawBufferPointer) -> Slice<UnsafeRawBufferPointer> {
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[end - 1] == 0 { end -= 1 }
        return bytes[bytes.startIndex..<end]
    }
}
