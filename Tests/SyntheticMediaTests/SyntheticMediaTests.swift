import RTP
import Testing
@testable import SyntheticMedia

@Suite("Synthetic media: the stamped pattern through VP8 and RTP framing, and back")
struct SyntheticMediaTests {
    @Test("a stamp drawn into a picture reads back exactly; a damaged one reads as nothing")
    func stampRoundTrip() {
        var frame = I420Frame(width: 320, height: 240)
        let stamp = FrameStamp(counter: 0xDEAD_BEEF, captureMilliseconds: 123_456_789)
        TestPattern(width: 320, height: 240).render(stamp, into: &frame)
        let read = frame.bytes.withUnsafeBytes { FrameStamp.read(luma: $0, width: 320, height: 240, stride: 320) }
        #expect(read == stamp)
        // Flip one block: the CRC refuses the reading.
        let block = FrameStamp.blockSize(forWidth: 320)
        for row in block..<(2 * block) {
            for column in block..<(2 * block) { frame.bytes[row * 320 + column] ^= 0xFF }
        }
        let damaged = frame.bytes.withUnsafeBytes { FrameStamp.read(luma: $0, width: 320, height: 240, stride: 320) }
        #expect(damaged == nil)
        #expect(!FrameStamp.fits(width: 64, height: 48))
    }

    @Test("the pattern through libvpx at 300 kbit/s: every decoded picture carries its own stamp")
    func vp8RoundTripKeepsStamps() throws {
        let encoder = try VP8Encoder(width: 320, height: 240, fps: 30, bitrate: 300_000)
        let decoder = try VP8Decoder()
        let pattern = TestPattern(width: 320, height: 240)
        var frame = I420Frame(width: 320, height: 240)
        var decoded: [FrameStamp] = []
        var keyframes = 0
        for n in 0..<60 {
            let stamp = FrameStamp(counter: UInt32(n), captureMilliseconds: UInt32(1_000 + n * 33))
            pattern.render(stamp, into: &frame)
            for coded in try encoder.encode(frame, pts: Int64(n), keyframe: n == 30) {
                if coded.isKeyframe { keyframes += 1 }
                for picture in try decoder.decode(coded.bytes) {
                    #expect(picture.width == 320 && picture.height == 240)
                    if let read = picture.stamp { decoded.append(read) }
                }
            }
        }
        #expect(keyframes >= 2, "the first frame and the forced one")
        #expect(decoded.count >= 55, "stamps read back from \(decoded.count) of 60 pictures")
        #expect(decoded.map(\.counter) == decoded.map(\.counter).sorted())
        for stamp in decoded { #expect(stamp.captureMilliseconds == 1_000 + stamp.counter * 33) }
    }

    @Test("packetize then reassemble, in order and shuffled: the same bytes; a lost packet drops the frame")
    func packetizeAndAssemble() throws {
        var packetizer = VP8Packetizer(maxPayload: 300, firstPictureID: 0x7FFE)
        // No waiting: a frame with a hole is given up as soon as a later one is whole.
        var assembler = VP8FrameBuffer(maxWaitMilliseconds: 0)
        var generator = SystemRandomNumberGenerator()
        var sequence: UInt16 = 65_530  // wraps inside the run
        for n in 0..<20 {
            let frame = (0..<(n * 157 + 1)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let payloads = packetizer.packetize(frame)
            #expect(payloads.allSatisfy { $0.count <= 300 })
            var packets = payloads.enumerated().map { index, payload in
                (payload: payload, sequence: sequence &+ UInt16(index), marker: index == payloads.count - 1)
            }
            sequence &+= UInt16(payloads.count)
            if n % 2 == 1 { packets.shuffle(using: &generator) }
            if n == 7 { packets.removeFirst() }
            var out: [UInt8]?
            for packet in packets {
                for done in try assembler.add(payload: packet.payload, sequenceNumber: packet.sequence,
                                              timestamp: UInt32(n * 3000), marker: packet.marker, nowMilliseconds: UInt32(n)) {
                    #expect(done.timestamp == UInt32(n * 3000))
                    // Frame 8 follows the lost frame 7: its references are gone.
                    #expect(done.continuous == (n != 0 && n != 8), "frame \(n)")
                    out = done.bytes
                }
            }
            if n == 7 {
                #expect(out == nil)
            } else {
                #expect(out == frame, "frame \(n)")
            }
        }
        #expect(assembler.completed == 19 && assembler.incomplete == 1 && assembler.pendingFrames == 0)
        #expect(packetizer.pictureID == (0x7FFE + 20) & 0x7FFF)
    }

    @Test("hostile payloads: typed errors, never a trap, and a later good frame still assembles")
    func hostilePayloads() throws {
        var assembler = VP8FrameBuffer(maxFrames: 4, maxPacketsPerFrame: 8)
        var generator = SystemRandomNumberGenerator()
        for i in 0..<5_000 {
            let payload = (0..<Int.random(in: 0..<12, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? assembler.add(payload: payload, sequenceNumber: UInt16.random(in: 0...UInt16.max, using: &generator),
                                   timestamp: UInt32.random(in: 0...3, using: &generator) &+ UInt32(i / 100),
                                   marker: Bool.random(using: &generator), nowMilliseconds: UInt32(i))
            #expect(assembler.pendingFrames <= 5, "bounded")
        }
        #expect(throws: SyntheticMediaError.self) {
            try assembler.add(payload: [], sequenceNumber: 1, timestamp: 9, marker: true, nowMilliseconds: 5_000)
        }
        var packetizer = VP8Packetizer(maxPayload: 100)
        let frame = [UInt8](repeating: 0x42, count: 250)
        var out: [UInt8]?
        for (index, payload) in packetizer.packetize(frame).enumerated() {
            let done = try assembler.add(payload: payload, sequenceNumber: UInt16(100 + index), timestamp: 7_000,
                                         marker: index == 2, nowMilliseconds: 6_000)
            out = done.last?.bytes ?? out
        }
        #expect(out == frame)
    }
}

/// The sequence number of the packet the publisher sends next, less what it has sent: its first.
private func publisherFirstSequence(_ publisher: VideoPublisherTrack) -> UInt16 {
    UInt16(truncatingIfNeeded: Int(publisher.nextSequenceNumber) - publisher.packetsSent)
}

@Suite("Synthetic publisher and viewer tracks, on virtual time")
struct SyntheticTrackTests {
    @Test("2 s at 30 fps through a path that delays 40 ms and loses 5 %: NACKs from history repair every loss; the viewer decodes every frame and measures 40 ms")
    func lossRepairedAndLatencyMeasured() throws {
        var settings = VideoPublisherTrack.Settings(ssrc: 0x1234)
        settings.width = 320
        settings.height = 240
        settings.bitrate = 400_000
        let publisher = try VideoPublisherTrack(settings)
        let viewer = try VideoViewerTrack()
        var generator = SystemRandomNumberGenerator()
        var lost: [[UInt8]] = []
        let delay: UInt32 = 40
        for n in 0..<60 {
            let capture = UInt32(10_000 + n * 33)
            for packet in try publisher.nextFrame(captureMilliseconds: capture) {
                if Int.random(in: 0..<100, using: &generator) < 5 {
                    lost.append(packet)
                    continue
                }
                viewer.receive(packet, nowMilliseconds: capture + delay)
            }
            // The frame's lost packets are NACKed and repaired before the next frame starts:
            // what a 40 ms path with a quick NACK looks like at this granularity.
            for missing in lost {
                let sequence = UInt16(missing[2]) << 8 | UInt16(missing[3])
                let repaired = try #require(publisher.retransmission(of: sequence))
                #expect(repaired == missing)
                viewer.receive(repaired, nowMilliseconds: capture + delay)
            }
            lost.removeAll()
        }
        #expect(publisher.framesSent == 60)
        #expect(viewer.framesDecoded == 60, "decoded \(viewer.framesDecoded), failures \(viewer.decodeFailures)")
        #expect(viewer.framesMissing == 0 && viewer.freezes == 0 && viewer.badPackets == 0)
        #expect(viewer.latencies.allSatisfy { $0 == delay })
        // Nothing is invented: a number never sent has no retransmission.
        let beforeAll = UInt16(publisherFirstSequence(publisher) &- 1000)
        #expect(publisher.retransmission(of: beforeAll) == nil)
    }

    @Test("a lost frame without repair: the viewer counts the gap and a freeze, asks for a keyframe, and recovers on it")
    func unrepairedLossAndKeyframeRecovery() throws {
        var settings = VideoPublisherTrack.Settings(ssrc: 0x5678)
        settings.width = 320
        settings.height = 240
        let publisher = try VideoPublisherTrack(settings)
        let viewer = try VideoViewerTrack()
        var now: UInt32 = 0
        var recoveredAt: Int?
        for n in 0..<40 {
            now = UInt32(n * 33)
            let packets = try publisher.nextFrame(captureMilliseconds: now)
            if (10..<20).contains(n) { continue }  // 330 ms of nothing: frames 10-19 never arrive
            for packet in packets where viewer.receive(packet, nowMilliseconds: now) {
                publisher.requestKeyframe()
            }
            if n >= 20, recoveredAt == nil, viewer.framesDecoded > 10 { recoveredAt = n }
        }
        #expect(viewer.freezes >= 1)
        #expect(viewer.framesMissing >= 10)
        let at = try #require(recoveredAt, "never decoded again after the gap")
        // The viewer first waits 100 ms for a repair of the gap (frames 21-23 wait), then asks;
        // the keyframe is the next frame.
        #expect(at <= 25, "recovered at frame \(at)")
        #expect(publisher.keyframesSent >= 2)
    }
}
