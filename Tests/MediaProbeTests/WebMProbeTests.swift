import Testing
import TestSupport
@testable import MediaProbe

@Suite("WebM probe: valid files")
struct WebMProbeTests {
    @Test("Info's duration, VP8 640x480 and Opus 48 kHz stereo are read; the container is webm")
    func validFile() throws {
        let info = try WebMProbe.probe(EBML.file(durationMs: 3000)).get()
        #expect(info.container == .webm)
        #expect(info.durationMs == 3000)
        #expect(info.video == MediaInfo.Track(number: 1, kind: .video, codec: "V_VP8", width: 640, height: 480))
        #expect(info.audio?.codec == "A_OPUS")
        #expect(info.audio?.sampleRate == 48_000)
        #expect(info.audio?.channels == 2)
        #expect(info.mimeType == "video/webm")
        #expect(!info.incomplete)
    }

    @Test("The first video keyframe's bytes are located (for thumbnails), also when Info has the duration")
    func firstKeyframe() throws {
        for duration in [3000.0, nil] {
            let file = EBML.file(durationMs: duration)
            let span = try #require(try WebMProbe.probe(file).get().firstVideoKeyframe)
            #expect(span.count == 40)
            #expect(Array(file[Int(span.offset)..<Int(span.offset + span.count)]) == [UInt8](repeating: 0x5A, count: 40))
        }
        let audioFirst = EBML.file(tracks: [EBML.audioTrack(number: 1), EBML.videoTrack(number: 2)])
        #expect(try WebMProbe.probe(audioFirst).get().firstVideoKeyframe?.count == 10, "track 2's keyframe, not track 1's")
    }

    @Test("Without a duration in Info, the last block's time is the duration (cluster 2000 ms + 900 ms)")
    func walkedDuration() throws {
        let info = try WebMProbe.probe(EBML.file(durationMs: nil, clusters: 3)).get()
        #expect(info.durationMs == 2900)
    }

    @Test("A BlockGroup's BlockDuration extends the walked duration")
    func blockGroupDuration() throws {
        let group = EBML.master(0xA0, [EBML.element(0xA1, [0x81, 0x01, 0xF4, 0x80, 1, 2, 3]), EBML.uint(0x9B, 250)])
        let file = EBML.header() + EBML.master(0x1853_8067, [
            EBML.info(durationMs: nil), EBML.master(0x1654_AE6B, [EBML.videoTrack()]),
            EBML.cluster(timecode: 1000, blocks: [EBML.simpleBlock(track: 1, relative: 0, keyframe: true), group]),
        ])
        #expect(try WebMProbe.probe(file).get().durationMs == 1750)
    }

    @Test("Unknown-size Segment and Clusters (how live muxers write) are read to the end")
    func unknownSizes() throws {
        var body = EBML.info(durationMs: nil) + EBML.master(0x1654_AE6B, [EBML.videoTrack(codec: "V_VP9", width: 1280, height: 720)])
        for c in 0..<4 {
            body += EBML.id(0x1F43_B675) + EBML.unknownSize + EBML.uint(0xE7, UInt64(c * 500))
                + EBML.simpleBlock(track: 1, relative: 0, keyframe: true) + EBML.simpleBlock(track: 1, relative: 250, keyframe: false)
        }
        let file = EBML.header() + EBML.id(0x1853_8067) + EBML.unknownSize + body
        let info = try WebMProbe.probe(file).get()
        #expect(info.durationMs == 1750)
        #expect(info.video?.codec == "V_VP9")
        #expect(info.video?.width == 1280)
    }

    @Test("A Matroska doc type and H.264 are accepted; the container says matroska")
    func matroska() throws {
        let file = EBML.header(docType: "matroska") + EBML.master(0x1853_8067, [
            EBML.info(durationMs: 1000), EBML.master(0x1654_AE6B, [EBML.videoTrack(codec: "V_MPEG4/ISO/AVC")]),
            EBML.cluster(timecode: 0, blocks: [EBML.simpleBlock(track: 1, relative: 0, keyframe: true)]),
        ])
        let info = try WebMProbe.probe(file).get()
        #expect(info.container == .matroska)
        #expect(info.video?.codec == "V_MPEG4/ISO/AVC")
    }

    @Test("A file cut inside its last cluster: refused for uploads, accepted as incomplete for recordings")
    func truncatedTail() throws {
        let whole = EBML.file(durationMs: nil, clusters: 3)
        let cut = Array(whole.prefix(whole.count - 30))
        guard case .failure(.truncated) = WebMProbe.probe(cut) else {
            Issue.record("a truncated upload must be refused")
            return
        }
        let info = try WebMProbe.probe(cut, options: .init(allowTruncatedTail: true)).get()
        #expect(info.incomplete)
        #expect(info.durationMs >= 2000)
    }

    @Test("Reads stay small: no request is longer than a header or a leaf value")
    func boundedReads() {
        let file = EBML.file(durationMs: nil, clusters: 20)
        var probe = WebMProbe(fileSize: UInt64(file.count))
        var reads = 0
        while case let .read(offset, count) = probe.next() {
            #expect(count <= WebMProbe.maxLeafBytes)
            reads += 1
            probe.provide(Array(file[Int(offset)..<min(file.count, Int(offset) + count)]))
        }
        #expect(reads < file.count / 10, "blocks are skipped over, not read")
    }
}

@Suite("WebM probe: refusals")
struct WebMRefusalTests {
    func failure(_ bytes: [UInt8]) -> WebMError? {
        if case .failure(let error) = WebMProbe.probe(bytes) { return error }
        return nil
    }

    @Test("Not Matroska: text, ZIP, MP4, empty; each refusal names what the file looks like")
    func sniffed() {
        #expect(failure(Array("hello, this is just text\n".utf8)) == .notMatroska(sniffed: "a text file"))
        #expect(failure([0x50, 0x4B, 0x03, 0x04, 20, 0, 0, 0, 8, 0, 0, 0]) == .notMatroska(sniffed: "a ZIP archive"))
        #expect(failure([0, 0, 0, 0x20] + Array("ftypisom".utf8)) == .notMatroska(sniffed: "MP4/QuickTime"))
        var empty = WebMProbe(fileSize: 0)
        if case .finished = empty.next() { Issue.record("an empty file is not a video") }
        #expect(failure([]) == .notMatroska(sniffed: nil))
    }

    @Test("Audio alone, an unknown codec, no dimensions, no clusters, another doc type")
    func notAVideo() {
        #expect(failure(EBML.file(tracks: [EBML.audioTrack()])) == .noVideoTrack)
        #expect(failure(EBML.file(tracks: [EBML.videoTrack(codec: "V_THEORA")])) == .unsupportedCodec("V_THEORA"))
        #expect(failure(EBML.file(tracks: [EBML.videoTrack(width: 0, height: 0)])) == .invalidDimensions)
        #expect(failure(EBML.file(clusters: 0)) == .noFrames)
        let other = EBML.header(docType: "mkv-ish") + EBML.master(0x1853_8067, [EBML.info(durationMs: 1)])
        #expect(failure(other) == .unsupportedDocType("mkv-ish"))
    }

    @Test("Absurd sizes: a 2^56-byte Segment is a truncation, a 2^56-byte child an overflow, a 1 MiB codec id oversized")
    func absurdSizes() {
        let huge: [UInt8] = [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE]
        let segment = EBML.header() + EBML.id(0x1853_8067) + huge + EBML.info(durationMs: 1000)
        #expect(failure(segment) == .truncated(offset: UInt64(EBML.header().count)))
        let body = EBML.info(durationMs: 1000) + EBML.id(0x1654_AE6B) + huge + [0xAE, 0x80]
        let child = EBML.header() + EBML.master(0x1853_8067, [body])
        guard case .elementOverflows = failure(child) else {
            Issue.record("a child larger than its parent must be refused")
            return
        }
        let bigCodec = EBML.master(0xAE, [EBML.uint(0xD7, 1), EBML.uint(0x83, 1),
                                          EBML.element(0x86, [UInt8](repeating: 0x41, count: 1 << 20))])
        guard case .oversizedElement = failure(EBML.file(tracks: [bigCodec])) else {
            Issue.record("a megabyte codec id must be refused")
            return
        }
    }

    @Test("Unknown size where it is not allowed, invalid varints, and 200,000 tiny elements")
    func malformedStructure() {
        let unknownTracks = EBML.header() + EBML.master(0x1853_8067, [EBML.id(0x1654_AE6B) + EBML.unknownSize])
        #expect(failure(unknownTracks) == .unknownSizeNotAllowed(id: 0x1654_AE6B))
        #expect(failure(EBML.header() + [0x18, 0x53, 0x80, 0x67, 0x00]) == .invalidVarInt(kind: "element size"))
        let voids = [UInt8]((0..<200_000).flatMap { _ in [0xEC, 0x80] as [UInt8] })
        let many = EBML.header() + EBML.master(0x1853_8067, [voids])
        var probe = WebMProbe(fileSize: UInt64(many.count), options: .init(maxElements: 100_000))
        var step = probe.next()
        while case let .read(offset, count) = step {
            probe.provide(Array(many[Int(offset)..<min(many.count, Int(offset) + count)]))
            step = probe.next()
        }
        #expect(step == .failed(.tooManyElements))
    }

    @Test("Deep nesting: 10,000 nested BlockGroups end in a typed answer, with a bounded stack")
    func deepNesting() {
        var inner = EBML.simpleBlock(track: 1, relative: 0, keyframe: true)
        for _ in 0..<10_000 { inner = EBML.master(0xA0, [inner]) }
        let file = EBML.header() + EBML.master(0x1853_8067, [
            EBML.info(durationMs: nil), EBML.master(0x1654_AE6B, [EBML.videoTrack()]), EBML.cluster(timecode: 0, blocks: [inner]),
        ])
        // Only a Cluster's direct BlockGroup is entered; deeper ones are skipped whole.
        #expect(failure(file) == .noFrames)
    }
}

@Suite("WebM probe: hostile input")
struct WebMHostileTests {
    @Test("100,000 hostile variants of real files: every one ends in a typed error or a parse, reads bounded")
    func hostile() {
        let seeds = [EBML.file(durationMs: 3000, clusters: 2), EBML.file(durationMs: nil, clusters: 2),
                     EBML.file(tracks: [EBML.videoTrack(codec: "V_VP9"), EBML.audioTrack(codec: "A_VORBIS")])]
        var parsed = 0
        for hostile in HostileInput(seeds: seeds, count: 100_000, seed: 0x5EB, maxLength: 4096) {
            let bytes = hostile.bytes
            var probe = WebMProbe(fileSize: UInt64(bytes.count))
            var reads = 0
            var step = probe.next()
            while case let .read(offset, count) = step {
                reads += 1
                #expect(count <= WebMProbe.maxLeafBytes && offset <= UInt64(bytes.count), "case \(hostile.index) \(hostile.kind)")
                let start = Int(offset)
                probe.provide(Array(bytes[start..<min(bytes.count, start + count)]))
                step = probe.next()
                if reads > bytes.count + 2 {
                    Issue.record("case \(hostile.index) (\(hostile.kind)) does not advance")
                    break
                }
            }
            if case .finished(let info) = step {
                parsed += 1
                #expect(info.durationMs >= 0 && info.video != nil)
            }
        }
        #expect(parsed > 0, "some variants (bit flips in frame payloads) still parse")
    }
}
