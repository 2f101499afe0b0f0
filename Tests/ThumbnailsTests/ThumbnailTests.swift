import SyntheticMedia
import Testing
import TestSupport
@testable import Thumbnails

@Suite("thumbnails: VP8 keyframe to PNG")
struct ThumbnailTests {
    /// A 640x360 keyframe of one colour (Y, Cb, Cr), encoded by libvpx.
    func keyframe(y: UInt8, cb: UInt8, cr: UInt8) throws -> [UInt8] {
        var frame = I420Frame(width: 640, height: 360)
        for i in 0..<frame.lumaCount { frame.bytes[i] = y }
        for i in 0..<frame.chromaCount {
            frame.bytes[frame.lumaCount + i] = cb
            frame.bytes[frame.lumaCount + frame.chromaCount + i] = cr
        }
        let encoder = try VP8Encoder(width: 640, height: 360, fps: 30, bitrate: 500_000)
        let coded = try encoder.encode(frame, pts: 0, keyframe: true)
        return try #require(coded.first { $0.isKeyframe }).bytes
    }

    /// The image data of a PNG this module wrote: chunks checked (CRC), stored blocks joined (Adler).
    func pixels(_ png: [UInt8]) throws -> (width: Int, height: Int, rows: [[UInt8]]) {
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var at = 8
        var width = 0, height = 0
        var zlib: [UInt8] = []
        func be(_ i: Int) -> Int { Int(png[i]) << 24 | Int(png[i + 1]) << 16 | Int(png[i + 2]) << 8 | Int(png[i + 3]) }
        while at < png.count {
            let length = be(at)
            let typed = Array(png[(at + 4)..<(at + 8 + length)])
            #expect(PNGWriter.crc32(typed) == UInt32(be(at + 8 + length)), "chunk CRC")
            let type = String(decoding: typed.prefix(4), as: UTF8.self)
            if type == "IHDR" { width = be(at + 8); height = be(at + 12) }
            if type == "IDAT" { zlib += typed.dropFirst(4) }
            at += 12 + length
        }
        var raw: [UInt8] = []
        var i = 2
        while i < zlib.count - 4 {
            let last = zlib[i] & 1
            let count = Int(zlib[i + 1]) | Int(zlib[i + 2]) << 8
            raw += zlib[(i + 5)..<(i + 5 + count)]
            i += 5 + count
            if last == 1 { break }
        }
        #expect(PNGWriter.adler32(raw) == UInt32(zlib.suffix(4).reduce(0) { $0 << 8 | UInt32($1) }))
        let stride = width * 3 + 1
        #expect(raw.count == stride * height)
        return (width, height, (0..<height).map { Array(raw[($0 * stride + 1)..<(($0 + 1) * stride)]) })
    }

    @Test("A red 640x360 keyframe becomes a 320x180 PNG whose pixels are red")
    func red() throws {
        // BT.601 red: Y 81, Cb 90, Cr 240.
        let png = try Thumbnail.png(codec: "V_VP8", keyframe: try keyframe(y: 81, cb: 90, cr: 240))
        let image = try pixels(png)
        #expect(image.width == 320 && image.height == 180)
        let middle = image.rows[90]
        let (r, g, b) = (Int(middle[480]), Int(middle[481]), Int(middle[482]))
        #expect(r > 220 && g < 40 && b < 40, "got \(r),\(g),\(b)")
    }

    @Test("CRC-32 and Adler-32 match their standard check values")
    func checksums() {
        #expect(PNGWriter.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(PNGWriter.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
    }

    @Test("Not VP8, or bytes that are not a keyframe: a typed error, never a trap")
    func hostile() throws {
        #expect(throws: ThumbnailError.unsupportedCodec("V_VP9")) { try Thumbnail.png(codec: "V_VP9", keyframe: [1, 2, 3]) }
        let seed = try keyframe(y: 120, cb: 128, cr: 128)
        var refused = 0
        for hostile in HostileInput(seeds: [seed], count: 300, seed: 0x7B, maxLength: 8192) {
            do {
                _ = try Thumbnail.png(codec: "V_VP8", keyframe: hostile.bytes)
            } catch {
                refused += 1
            }
        }
        #expect(refused > 0)
    }
}
