import Testing
@testable import Recording

@Suite struct FrameAssemblerTests {
    private func feed(_ assembler: inout FrameAssembler, _ packets: [[UInt8]], afterLossAt: Int? = nil) -> [MediaFrame] {
        var frames: [MediaFrame] = []
        for (i, packet) in packets.enumerated() {
            if case .success(let frame?) = assembler.push(packet: packet, arrivalMilliseconds: Int64(i), afterLoss: i == afterLossAt) {
                frames.append(frame)
            }
        }
        return frames
    }

    @Test func vp8FramesComeBackWholeWithoutDescriptors() {
        var assembler = FrameAssembler(codec: .vp8)
        let key = RecordingInput.vp8Frame(keyframe: true, length: 2_500)
        let delta = RecordingInput.vp8Frame(keyframe: false, length: 1_200, seed: 9)
        let packets = RecordingInput.vp8Packets(frame: key, firstSequenceNumber: 1, timestamp: 3_000, pictureID: 1)
            + RecordingInput.vp8Packets(frame: delta, firstSequenceNumber: 4, timestamp: 6_000, pictureID: 2)
        let frames = feed(&assembler, packets)
        #expect(frames.map(\.bytes) == [key, delta])
        #expect(frames.map(\.isKeyframe) == [true, false])
        #expect(frames.map(\.timestamp) == [3_000, 6_000])
        #expect(!assembler.needsKeyframe)
    }

    @Test func vp8WaitsForAKeyframeFirst() {
        var assembler = FrameAssembler(codec: .vp8)
        let delta = RecordingInput.vp8Frame(keyframe: false, length: 500)
        let key = RecordingInput.vp8Frame(keyframe: true, length: 500)
        let frames = feed(&assembler, RecordingInput.vp8Packets(frame: delta, firstSequenceNumber: 1, timestamp: 0, pictureID: 1)
            + RecordingInput.vp8Packets(frame: key, firstSequenceNumber: 2, timestamp: 3_000, pictureID: 2))
        #expect(frames.map(\.bytes) == [key])
    }

    @Test func aLossDropsTheFrameAndWhatFollowsUntilAKeyframe() {
        var assembler = FrameAssembler(codec: .vp8)
        let key = RecordingInput.vp8Frame(keyframe: true, length: 2_500)
        let delta = RecordingInput.vp8Frame(keyframe: false, length: 2_500, seed: 3)
        let delta2 = RecordingInput.vp8Frame(keyframe: false, length: 800, seed: 4)
        let key2 = RecordingInput.vp8Frame(keyframe: true, length: 900, seed: 5)
        var packets = RecordingInput.vp8Packets(frame: key, firstSequenceNumber: 1, timestamp: 0, pictureID: 1)  // 1...3
        var broken = RecordingInput.vp8Packets(frame: delta, firstSequenceNumber: 4, timestamp: 3_000, pictureID: 2)  // 4...6
        broken.remove(at: 1)
        packets += broken
        packets += RecordingInput.vp8Packets(frame: delta2, firstSequenceNumber: 7, timestamp: 6_000, pictureID: 3)
        packets += RecordingInput.vp8Packets(frame: key2, firstSequenceNumber: 8, timestamp: 9_000, pictureID: 4)
        let frames = feed(&assembler, packets, afterLossAt: 4)
        #expect(frames.map(\.bytes) == [key, key2])
    }

    @Test func opusIsOneFramePerPacket() {
        var assembler = FrameAssembler(codec: .opus)
        let frames = feed(&assembler, (0..<5).map { RecordingInput.opusPacket(sequenceNumber: UInt16($0), timestamp: UInt32($0) * 960, seed: UInt8($0)) })
        #expect(frames.count == 5)
        #expect(frames[2].bytes == [0x78] + [UInt8](repeating: 2, count: 60))
    }

    @Test func h264FUAAndSTAPABecomeLengthPrefixedNALUnits() {
        var assembler = FrameAssembler(codec: .h264)
        let sps: [UInt8] = [0x67, 1, 2, 3]
        let pps: [UInt8] = [0x68, 4, 5]
        let idr: [UInt8] = [0x65] + [UInt8](repeating: 7, count: 20)
        let stapA: [UInt8] = [0x78, 0, UInt8(sps.count)] + sps + [0, UInt8(pps.count)] + pps
        let fuStart: [UInt8] = [0x7C, 0x85] + Array(idr[1..<11])
        let fuEnd: [UInt8] = [0x7C, 0x45] + Array(idr[11...])
        let packets = [
            RecordingInput.rtp(sequenceNumber: 1, timestamp: 100, marker: false, payload: stapA),
            RecordingInput.rtp(sequenceNumber: 2, timestamp: 100, marker: false, payload: fuStart),
            RecordingInput.rtp(sequenceNumber: 3, timestamp: 100, marker: true, payload: fuEnd),
        ]
        let frames = feed(&assembler, packets)
        let expected: [UInt8] = [0, 0, 0, 4] + sps + [0, 0, 0, 3] + pps + [0, 0, 0, UInt8(idr.count)] + idr
        #expect(frames.map(\.bytes) == [expected])
        #expect(frames.first?.isKeyframe == true)
    }

    @Test(arguments: [FrameAssembler.Codec.vp8, .h264, .opus])
    func hostilePacketsNeverTrapAndAreCounted(codec: FrameAssembler.Codec) {
        var generator = SplitMix(seed: 0xC0FFEE)
        var assembler = FrameAssembler(codec: codec, maxFrameBytes: 64 << 10)
        var written = 0
        for i in 0..<20_000 {
            let length = Int.random(in: 0..<80, using: &generator)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // Half of them get a plausible RTP header so the payload parsers are reached too.
            if i % 2 == 0, bytes.count >= 12 { bytes[0] = 0x80 }
            if case .success(let frame?) = assembler.push(packet: bytes, arrivalMilliseconds: Int64(i), afterLoss: i % 7 == 0) {
                written += frame.bytes.count
                #expect(frame.bytes.count <= 64 << 10)
            }
        }
        #expect(assembler.rejected > 0)
    }
}
