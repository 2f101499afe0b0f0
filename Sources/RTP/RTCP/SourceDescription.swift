/// SDES: source description items, CNAME above all (RFC 3550 §6.5, PT 202, count = SC).
///
/// ```
/// |V=2|P|    SC   |  PT=SDES=202  |             length            |
/// |                          SSRC/CSRC_1                          |   chunk 1
/// |    type (1)   |     length    | text ...                      |
/// |      ...      |  0 (end)      |  zero padding to 32 bits      |
/// |                          SSRC/CSRC_2                          |   chunk 2 ...
/// ```
public struct SourceDescription: RTCPWirePacket {
    /// The SDES item type byte; 0 ends a chunk's item list and is never an item.
    public struct ItemType: RawRepresentable, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let cname = ItemType(rawValue: 1)
        public static let name = ItemType(rawValue: 2)
        public static let email = ItemType(rawValue: 3)
        public static let phone = ItemType(rawValue: 4)
        public static let location = ItemType(rawValue: 5)
        public static let tool = ItemType(rawValue: 6)
        public static let note = ItemType(rawValue: 7)
        public static let privateExtension = ItemType(rawValue: 8)
    }

    /// One item: its type and its bytes (UTF-8 text per the RFC, kept as bytes so that any
    /// packet round-trips exactly).
    public struct Item: Sendable, Equatable {
        public var type: ItemType
        public var value: [UInt8]

        public init(type: ItemType, value: [UInt8]) {
            self.type = type
            self.value = value
        }

        public init(type: ItemType, text: String) { self.init(type: type, value: Array(text.utf8)) }

        public var text: String { String(decoding: value, as: UTF8.self) }
    }

    /// The items describing one source.
    public struct Chunk: Sendable, Equatable {
        public var source: UInt32
        public var items: [Item]

        public init(source: UInt32, items: [Item]) {
            self.source = source
            self.items = items
        }

        /// The CNAME item's text, if any.
        public var cname: String? { items.first { $0.type == .cname }?.text }

        /// Bytes on the wire: SSRC, items, the null terminator, padding to 32 bits.
        var byteCount: Int { (4 + items.reduce(0) { $0 + 2 + $1.value.count } + 1 + 3) / 4 * 4 }
    }

    /// At most 31 chunks.
    public var chunks: [Chunk]

    public init(chunks: [Chunk]) { self.chunks = chunks }

    /// The usual SDES of a WebRTC sender: one chunk with a CNAME.
    public init(source: UInt32, cname: String) {
        self.init(chunks: [Chunk(source: source, items: [Item(type: .cname, text: cname)])])
    }

    public init(parsing packet: UnsafeRawBufferPointer) throws(RTCPError) {
        let (header, body) = try RTCPPacketSlice.body(of: packet, type: .sourceDescription)
        let count = Int(header.count)
        // A chunk takes at least 8 bytes (SSRC + terminator word).
        guard body.count >= count * 8 else { throw .badCount(count) }
        var reader = RTCPBodyReader(body)
        var chunks: [Chunk] = []
        chunks.reserveCapacity(count)
        for _ in 0..<count {
            let source = try reader.uint32()
            var items: [Item] = []
            while true {
                let type = try reader.uint8()
                if type == 0 {
                    // The terminator, then zeros up to the next 32-bit boundary of the packet.
                    try reader.skip((4 - reader.offset % 4) % 4)
                    break
                }
                let length = Int(try reader.uint8())
                items.append(Item(type: ItemType(rawValue: type), value: try reader.bytes(length)))
            }
            chunks.append(Chunk(source: source, items: items))
        }
        guard reader.remaining == 0 else { throw .badSourceDescription }
        self.chunks = chunks
    }

    public var marshalSize: Int { 4 + chunks.reduce(0) { $0 + $1.byteCount } }

    public func marshal(into buffer: UnsafeMutableRawBufferPointer) throws(RTCPError) -> Int {
        guard chunks.count <= 31 else { throw .valueOutOfRange("\(chunks.count) SDES chunks, at most 31") }
        for chunk in chunks {
            for item in chunk.items {
                guard item.type.rawValue != 0 else { throw .valueOutOfRange("SDES item type 0 is the terminator") }
                guard item.value.count <= 255 else { throw .valueOutOfRange("SDES item over 255 bytes") }
            }
        }
        let size = marshalSize
        try Self.requireRoom(size, in: buffer)
        var writer = RTCPBodyWriter(buffer)
        try writer.header(RTCPHeader(count: UInt8(chunks.count), packetType: .sourceDescription, packetLength: size))
        for chunk in chunks {
            try writer.uint32(chunk.source)
            for item in chunk.items {
                try writer.uint8(item.type.rawValue)
                try writer.uint8(UInt8(item.value.count))
                try writer.bytes(item.value)
            }
            try writer.uint8(0)
            try writer.padToWord()
        }
        return size
    }
}
