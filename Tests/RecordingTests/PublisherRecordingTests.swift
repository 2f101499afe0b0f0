import MediaProbe
import Testing
@testable import Recording

@Suite struct PublisherRecordingTests {
    /// `seconds` of 30 fps VP8 (a keyframe each second) and 50 packets/s Opus, interleaved by
    /// arrival time, with RTP timestamps starting near the 32-bit wrap.
    private func session(seconds: Int, swapEvery: Int = 0) -> [(PublisherRecording.Stream, [UInt8], Int64)] {
        var items: [(PublisherRecording.Stream, [UInt8], Int64)] = []
        var videoSequence: UInt16 = 65_000
        let videoBase = UInt32.max - 90_000
        for frame in 0..<(seconds * 30) {
            let bytes = RecordingInput.vp8Frame(keyframe: frame % 30 == 0, length: 1_800, seed: UInt8(truncatingIfNeeded: frame))
            let packets = RecordingInput.vp8Packets(frame: bytes, firstSequenceNumber: videoSequence,
                                                    timestamp: videoBase &+ UInt32(frame * 3_000), pictureID: UInt16(frame))
            videoSequence &+= UInt16(packets.count)
            let at = Int64(frame) * 1_000 / 30 + 5
            for packet in packets { items.append((.video, packet, at)) }
        }
        for packet in 0..<(seconds * 50) {
            items.append((.audio, RecordingInput.opusPacket(sequenceNumber: UInt16(truncatingIfNeeded: packet &+ 60_000),
                                                             timestamp: 123_456 &+ UInt32(packet * 960)), Int64(packet * 20)))
        }
        items.sort { $0.2 < $1.2 }
        if swapEvery > 0 {
            for i in stride(from: 1, to: items.count, by: swapEvery) { items.swapAt(i - 1, i) }
        }
        return items
    }

    private func record(_ items: [(PublisherRecording.Stream, [UInt8], Int64)]) -> (file: [UInt8], recording: PublisherRecording) {
        var recording = PublisherRecording(video: .vp8, audio: true)
        var file: [UInt8] = []
        for (stream, packet, at) in items { file += recording.receive(stream, packet: packet, arrivalMilliseconds: at) }
        if let finished = recording.finish() {
            file += finished.tail
            for patch in finished.patches { file.replaceSubrange(patch.offset..<patch.offset + patch.bytes.count, with: patch.bytes) }
        }
        return (file, recording)
    }

    @Test func aFinishedRecordingProbesAsVP8AndOpusOfItsLength() throws {
        let (file, recording) = record(session(seconds: 5, swapEvery: 9))
        let info = try WebMProbe.probe(file).get()
        #expect(info.tracks.map(\.codec) == ["V_VP8", "A_OPUS"])
        #expect(info.tracks.first?.width == 640)
        #expect(info.tracks.first?.height == 480)
        #expect(abs(info.durationMs - 5_000) <= 100)
        #expect(!info.incomplete)
        #expect(recording.counters.framesWritten >= 150 + 245)
    }

    @Test func aFileCutMidClusterStillProbesUpToItsLastCluster() throws {
        var recording = PublisherRecording(video: .vp8, audio: true)
        var file: [UInt8] = []
        for (stream, packet, at) in session(seconds: 4) { file += recording.receive(stream, packet: packet, arrivalMilliseconds: at) }
        // No finish: what a kill -9 leaves.
        let info = try WebMProbe.probe(file, options: .init(allowTruncatedTail: true)).get()
        #expect(info.durationMs >= 2_900)
        #expect(info.tracks.count == 2)
    }

    @Test func nothingIsWrittenBeforeTheFirstKeyframe() {
        var recording = PublisherRecording(video: .vp8, audio: true)
        var out: [UInt8] = []
        for packet in 0..<50 {
            out += recording.receive(.audio, packet: RecordingInput.opusPacket(sequenceNumber: UInt16(packet), timestamp: UInt32(packet * 960)),
                                     arrivalMilliseconds: Int64(packet * 20))
        }
        #expect(out.isEmpty)
        #expect(recording.needsKeyframe)
        #expect(recording.finish() == nil)
    }

    @Test func hostilePacketsNeverTrap() {
        var generator = SplitMix(seed: 42)
        var recording = PublisherRecording(video: .vp8, audio: true)
        // Start the file properly, then throw garbage at it.
        for (stream, packet, at) in session(seconds: 1) { _ = recording.receive(stream, packet: packet, arrivalMilliseconds: at) }
        for i in 0..<30_000 {
            var bytes = (0..<Int.random(in: 0..<200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if bytes.count >= 12 { bytes[0] = 0x80 | (bytes[0] & 0x0F) }
            _ = recording.receive(i % 2 == 0 ? .video : .audio, packet: bytes, arrivalMilliseconds: 1_000 + Int64(i / 10))
        }
        #expect(recording.finish() != nil)
        #expect(recording.counters.rejectedPackets > 0)
    }
}
