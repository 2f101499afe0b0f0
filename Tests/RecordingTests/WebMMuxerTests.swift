import MatroskaFormat
import Foundation
import Testing
@testable import Recording

/// A minimal EBML walker for the tests: (id, data range) of each element at one level. An
/// unknown size runs to the end of the parent.
private struct Element {
    let id: UInt32
    let start: Int      // offset of the id
    let data: Range<Int>
}

private func readVint(_ bytes: [UInt8], _ at: Int, keepMarker: Bool) -> (value: UInt64, length: Int, unknown: Bool)? {
    guard at < bytes.count, bytes[at] != 0 else { return nil }
    let length = bytes[at].leadingZeroBitCount + 1
    guard at + length <= bytes.count else { return nil }
    var value = UInt64(keepMarker ? bytes[at] : bytes[at] & (0xFF >> UInt8(length)))
    for i in 1..<length { value = value << 8 | UInt64(bytes[at + i]) }
    let allOnes = (UInt64(1) << (7 * UInt64(length))) - 1
    return (value, length, !keepMarker && value == allOnes)
}

private func children(_ bytes: [UInt8], in range: Range<Int>) -> [Element] {
    var out: [Element] = []
    var at = range.lowerBound
    while at < range.upperBound {
        guard let id = readVint(bytes, at, keepMarker: true),
              let size = readVint(bytes, at + id.length, keepMarker: false) else { break }
        let dataStart = at + id.length + size.length
        let end = size.unknown ? range.upperBound : min(range.upperBound, dataStart + Int(size.value))
        out.append(Element(id: UInt32(id.value), start: at, data: dataStart..<end))
        if dataStart + Int(size.value) > range.upperBound && !size.unknown { break }
        at = end
    }
    return out
}

private func uint(_ bytes: [UInt8], _ element: Element) -> UInt64 {
    bytes[element.data].reduce(0) { $0 << 8 | UInt64($1) }
}

private func apply(_ patches: [WebMMuxer.Patch], to file: inout [UInt8]) {
    for patch in patches { file.replaceSubrange(patch.offset..<patch.offset + patch.bytes.count, with: patch.bytes) }
}

@Suite("WebM muxer")
struct WebMMuxerTests {
    @Test("EBML sizes: the shortest width whose all-ones value stays reserved")
    func vints() {
        #expect(EBMLWriter.vint(0) == [0x80])
        #expect(EBMLWriter.vint(126) == [0xFE])
        #expect(EBMLWriter.vint(127) == [0x40, 0x7F])
        #expect(EBMLWriter.vint(16_382) == [0x7F, 0xFE])
        #expect(EBMLWriter.vint(16_383) == [0x20, 0x3F, 0xFF])
        #expect(EBMLWriter.vint(5, width: 8) == [0x01, 0, 0, 0, 0, 0, 0, 5])
        var w = EBMLWriter()
        w.unsigned(EBMLID.timestampScale, 1_000_000)
        #expect(w.bytes == [0x2A, 0xD7, 0xB1, 0x83, 0x0F, 0x42, 0x40])
        for total in [2, 3, 64, 127, 128, 129, 200] {
            var v = EBMLWriter()
            v.void(total: total)
            #expect(v.count == total)
            #expect(children(v.bytes, in: 0..<v.count).map(\.data.upperBound) == [total])
        }
    }

    /// 10 s of 30 fps video (a keyframe every 2 s) and 20 ms Opus frames, as a recorder feeds them.
    private func record(seconds: Int = 10) -> (muxer: WebMMuxer, file: [UInt8], clustersOut: Int) {
        var muxer = WebMMuxer(tracks: [.init(number: 1, kind: .vp8(width: 640, height: 480)),
                                       .init(number: 2, kind: .opus(channels: 2, preSkip: 312))])
        var file = muxer.header()
        var clusters = 0
        var audio: Int64 = 0
        for frame in 0..<(seconds * 30) {
            let ms = Int64(frame) * 1000 / 30
            while audio <= ms {
                let out = muxer.add(track: 2, milliseconds: audio, keyframe: true, frame: [0xFC, 1, 2, 3])
                if !out.isEmpty { clusters += 1; file += out }
                audio += 20
            }
            let out = muxer.add(track: 1, milliseconds: ms, keyframe: frame % 60 == 0,
                                frame: [UInt8](repeating: UInt8(frame & 0xFF), count: frame % 60 == 0 ? 4000 : 800))
            if !out.isEmpty { clusters += 1; file += out }
        }
        return (muxer, file, clusters)
    }

    @Test("a finished file: sized segment, duration, tracks, clusters at most 1 s, cues on keyframe clusters")
    func finished() throws {
        var (muxer, file, _) = record()
        let (tail, patches) = muxer.finish(frameMilliseconds: 33)
        file += tail
        apply(patches, to: &file)
        let top = children(file, in: 0..<file.count)
        #expect(top.map(\.id) == [EBMLID.ebml, EBMLID.segment])
        let segment = top[1]
        #expect(segment.data.upperBound == file.count, "the patched size covers the file")
        let parts = children(file, in: segment.data)
        #expect(parts.first?.id == EBMLID.seekHead)
        #expect(parts.contains { $0.id == EBMLID.info } && parts.contains { $0.id == EBMLID.tracks })
        let info = try #require(parts.first { $0.id == EBMLID.info })
        let duration = try #require(children(file, in: info.data).first { $0.id == EBMLID.duration })
        #expect(Double(bitPattern: uint(file, duration)) == 9_966 + 33)
        let tracks = children(file, in: try #require(parts.first { $0.id == EBMLID.tracks }).data)
        #expect(tracks.count == 2)

        let clusters = parts.filter { $0.id == EBMLID.cluster }
        var times: [UInt64] = []
        var blocks = 0
        for cluster in clusters {
            let inside = children(file, in: cluster.data)
            #expect(inside.first?.id == EBMLID.timestamp)
            times.append(uint(file, inside[0]))
            blocks += inside.filter { $0.id == EBMLID.simpleBlock }.count
        }
        #expect(times == times.sorted())
        #expect(zip(times, times.dropFirst()).allSatisfy { $1 - $0 <= 1_000 })
        #expect(blocks == 300 + 499, "every video and audio frame (0 to 9,960 ms) is in a cluster")

        // The SeekHead points at the Cues; each cue at a cluster that starts with a keyframe.
        let seek = children(file, in: children(file, in: parts[0].data)[0].data)
        let cuesAt = Int(uint(file, try #require(seek.first { $0.id == EBMLID.seekPosition })))
        let cues = try #require(parts.first { $0.id == EBMLID.cues })
        #expect(segment.data.lowerBound + cuesAt == cues.start)
        let points = children(file, in: cues.data)
        #expect(points.count == 5)
        for point in points {
            let fields = children(file, in: point.data)
            let time = uint(file, fields[0])
            let positions = children(file, in: fields[1].data)
            let at = segment.data.lowerBound + Int(uint(file, try #require(positions.first { $0.id == EBMLID.cueClusterPosition })))
            let cluster = try #require(clusters.first { $0.start == at })
            let first = children(file, in: cluster.data)
            #expect(uint(file, first[0]) <= time && time % 2_000 == 0)
            // Its first video block is a keyframe, at the cue's time.
            let block = try #require(first.first { $0.id == EBMLID.simpleBlock && file[$0.data.lowerBound] == 0x81 })
            #expect(file[block.data.lowerBound + 3] & 0x80 != 0)
            let relative = Int64(Int16(bitPattern: UInt16(file[block.data.lowerBound + 1]) << 8 | UInt16(file[block.data.lowerBound + 2])))
            #expect(Int64(uint(file, first[0])) + relative == Int64(time))
        }
    }

    @Test("a file cut by a crash is valid up to its last whole cluster")
    func cut() {
        let (muxer, file, clustersOut) = record()
        #expect(muxer.written == file.count)
        let top = children(file, in: 0..<file.count)
        let clusters = children(file, in: top[1].data).filter { $0.id == EBMLID.cluster }
        #expect(clusters.count == clustersOut && clustersOut >= 9)
        // Cut anywhere inside the last cluster: every earlier one still parses whole.
        let cutAt = clusters.last!.start + 10
        let partial = Array(file[..<cutAt])
        let kept = children(partial, in: children(partial, in: 0..<partial.count)[1].data).filter { $0.id == EBMLID.cluster }
        #expect(kept.dropLast().allSatisfy { $0.data.upperBound <= cutAt })
        #expect(kept.count == clusters.count)
    }

    @Test("Opus CodecPrivate is an OpusHead (RFC 7845)")
    func opusHead() {
        let head = OpusHead(channels: 2, preSkip: 312).bytes
        #expect(head.count == 19)
        #expect(Array(head[0..<8]) == Array("OpusHead".utf8))
        #expect(head[8] == 1 && head[9] == 2 && head[10] == 0x38 && head[11] == 0x01)
        #expect(Array(head[12..<16]) == [0x80, 0xBB, 0x00, 0x00])
    }
}
