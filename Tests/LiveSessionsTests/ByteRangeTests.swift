import Foundation
import Testing
@testable import LiveSessions

@Suite("byte ranges: playback Range and upload Content-Range")
struct ByteRangeTests {
    @Test("Range: first-last, open-ended, suffix, clamped end; whole for absent, other units and several ranges")
    func range() {
        #expect(ByteRange.parse("bytes=0-99", size: 1000) == .partial(0...99))
        #expect(ByteRange.parse("bytes=900-", size: 1000) == .partial(900...999))
        #expect(ByteRange.parse("bytes=-100", size: 1000) == .partial(900...999))
        #expect(ByteRange.parse("bytes=-5000", size: 1000) == .partial(0...999))
        #expect(ByteRange.parse("bytes=500-5000", size: 1000) == .partial(500...999))
        #expect(ByteRange.parse(nil, size: 1000) == .whole)
        #expect(ByteRange.parse("items=0-1", size: 1000) == .whole)
        #expect(ByteRange.parse("bytes=0-1,5-6", size: 1000) == .whole)
        #expect(ByteRange.parse("bytes=9-3", size: 1000) == .whole, "an invalid range is ignored (RFC 9110)")
        #expect(ByteRange.parse("bytes=x-", size: 1000) == .whole)
        #expect(ByteRange.parse("bytes=99999999999999999999-", size: 1000) == .whole)
    }

    @Test("Unsatisfiable: start at or past the end, an empty suffix, any range of an empty file")
    func unsatisfiable() {
        #expect(ByteRange.parse("bytes=1000-", size: 1000) == .unsatisfiable)
        #expect(ByteRange.parse("bytes=5000-6000", size: 1000) == .unsatisfiable)
        #expect(ByteRange.parse("bytes=-0", size: 1000) == .unsatisfiable)
        #expect(ByteRange.parse("bytes=0-", size: 0) == .unsatisfiable)
    }

    @Test("Content-Range for uploads: bytes first-last/total, with first <= last < total")
    func contentRange() {
        #expect(UploadContentRange.parse("bytes 0-1023/4096") == UploadContentRange(first: 0, last: 1023, total: 4096))
        #expect(UploadContentRange.parse("bytes 0-1023/4096")?.count == 1024)
        #expect(UploadContentRange.parse("bytes 4000-4095/4096") != nil)
        #expect(UploadContentRange.parse("bytes 0-4096/4096") == nil)
        #expect(UploadContentRange.parse("bytes 10-5/100") == nil)
        #expect(UploadContentRange.parse("bytes */100") == nil)
        #expect(UploadContentRange.parse("bytes 0-1/*") == nil)
        #expect(UploadContentRange.parse("bytes -1-5/100") == nil)
        #expect(UploadContentRange.parse("items 0-1/2") == nil)
        #expect(UploadContentRange.parse("bytes 0-1/99999999999999999999") == nil)
    }

    @Test("Hostile headers: random text, near-misses of real ones and huge numbers never trap, and what parses is in bounds")
    func hostile() {
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("bytes=-/,0123456789 *\tBYTESx\u{0}é")
        let real = ["bytes=0-99", "bytes=-100", "bytes=900-", "bytes 0-1023/4096", "bytes 4000-4095/4096"]
        for round in 0..<20_000 {
            var text: String
            if round % 2 == 0 {
                text = String((0..<Int.random(in: 0...40, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            } else {
                var chars = Array(real.randomElement(using: &random)!)
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    let at = Int.random(in: 0..<chars.count, using: &random)
                    chars[at] = alphabet.randomElement(using: &random)!
                }
                text = String(chars)
            }
            if round % 97 == 0 { text += String(repeating: "9", count: Int.random(in: 1...40, using: &random)) }
            let size = [Int64(0), 1, 1000, Int64.max / 2][round % 4]
            if case .partial(let range) = ByteRange.parse(text, size: size) {
                #expect(range.lowerBound >= 0 && range.upperBound < size, "\(text) → \(range) of \(size)")
            }
            if let upload = UploadContentRange.parse(text) {
                #expect(upload.first >= 0 && upload.first <= upload.last && upload.last < upload.total, "\(text)")
            }
        }
    }

    @Test("Signed-out viewers are keyed by a hash of their address, never the address itself")
    func anonymousViewer() {
        let key = VideoProcedures.anonymousViewer("203.0.113.9")
        #expect(key.hasPrefix("a:") && key.count == 26)
        #expect(!key.contains("203"))
        #expect(key == VideoProcedures.anonymousViewer("203.0.113.9"))
        #expect(key != VideoProcedures.anonymousViewer("203.0.113.10"))
    }
}
