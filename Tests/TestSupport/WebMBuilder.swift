// A minimal Matroska writer for test vectors: elements with sizes written in the shortest form,
// or as given (8-byte, unknown, absurd) where a test needs that.

public enum EBML {
    public static func id(_ value: UInt32) -> [UInt8] {
        let bytes = withUnsafeBytes(of: value.bigEndian, Array.init)
        return Array(bytes.drop { $0 == 0 })
    }

    public static func size(_ value: UInt64) -> [UInt8] {
        for length in 1...8 where value < (UInt64(1) << (7 * UInt64(length))) - 1 {
            var out = [UInt8](repeating: 0, count: length)
            for i in 0..<length { out[length - 1 - i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
            out[0] |= UInt8(0x80 >> (length - 1))
            return out
        }
        preconditionFailure("size too large for a test vector")
    }

    public static let unknownSize: [UInt8] = [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]

    public static func element(_ id: UInt32, _ payload: [UInt8]) -> [UInt8] { self.id(id) + size(UInt64(payload.count)) + payload }
    public static func master(_ id: UInt32, _ children: [[UInt8]]) -> [UInt8] { element(id, children.flatMap { $0 }) }
    public static func uint(_ id: UInt32, _ value: UInt64) -> [UInt8] {
        let bytes = withUnsafeBytes(of: value.bigEndian, Array.init).drop { $0 == 0 }
        return element(id, bytes.isEmpty ? [0] : Array(bytes))
    }
    public static func string(_ id: UInt32, _ text: String) -> [UInt8] { element(id, Array(text.utf8)) }
    public static func float(_ id: UInt32, _ value: Double) -> [UInt8] {
        element(id, withUnsafeBytes(of: value.bitPattern.bigEndian, Array.init))
    }

    public static func header(docType: String = "webm") -> [UInt8] {
        master(0x1A45_DFA3, [uint(0x4286, 1), uint(0x42F7, 1), uint(0x42F2, 4), uint(0x42F3, 8),
                             string(0x4282, docType), uint(0x4287, 4), uint(0x4285, 2)])
    }

    public static func info(durationMs: Double?) -> [UInt8] {
        master(0x1549_A966, [uint(0x2AD7B1, 1_000_000), string(0x4D80, "test"), string(0x5741, "test")]
               + (durationMs.map { [float(0x4489, $0)] } ?? []))
    }

    public static func videoTrack(number: UInt64 = 1, codec: String = "V_VP8", width: UInt64 = 640, height: UInt64 = 480) -> [UInt8] {
        master(0xAE, [uint(0xD7, number), uint(0x73C5, number), uint(0x83, 1), string(0x86, codec),
                      master(0xE0, [uint(0xB0, width), uint(0xBA, height)])])
    }

    public static func audioTrack(number: UInt64 = 2, codec: String = "A_OPUS") -> [UInt8] {
        master(0xAE, [uint(0xD7, number), uint(0x73C5, number), uint(0x83, 2), string(0x86, codec),
                      master(0xE1, [float(0xB5, 48_000), uint(0x9F, 2)])])
    }

    public static func simpleBlock(track: UInt8, relative: Int16, keyframe: Bool, payload: Int = 40) -> [UInt8] {
        let time = UInt16(bitPattern: relative)
        let flags: UInt8 = keyframe ? 0x80 : 0x00
        var bytes: [UInt8] = [0x80 | track, UInt8(time >> 8), UInt8(time & 0xFF), flags]
        bytes += [UInt8](repeating: 0x5A, count: payload)
        return element(0xA3, bytes)
    }

    public static func cluster(timecode: UInt64, blocks: [[UInt8]]) -> [UInt8] {
        master(0x1F43_B675, [uint(0xE7, timecode)] + blocks)
    }

    /// A playable-looking WebM: VP8 640x480 and Opus, `clusters` clusters one second apart with
    /// blocks every 100 ms, Info's duration when given.
    public static func file(durationMs: Double? = 3000, clusters: Int = 3, tracks: [[UInt8]]? = nil) -> [UInt8] {
        var body = [info(durationMs: durationMs), master(0x1654_AE6B, tracks ?? [videoTrack(), audioTrack()])]
        for c in 0..<clusters {
            var blocks: [[UInt8]] = []
            for i in 0..<10 {
                blocks.append(simpleBlock(track: 1, relative: Int16(i * 100), keyframe: i == 0))
                blocks.append(simpleBlock(track: 2, relative: Int16(i * 100), keyframe: true, payload: 10))
            }
            body.append(cluster(timecode: UInt64(c * 1000), blocks: blocks))
        }
        return header() + master(0x1853_8067, body)
    }
}
