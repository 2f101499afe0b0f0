import RTP
import Testing
@testable import SyntheticMedia

@Suite("The viewer's VP8 jitter buffer")
struct VP8FrameBufferTests {
    /// Frame `n`'s packets: a 3-packet frame, sequence numbers from `3n`. The first byte is the
    /// VP8 payload header: its P bit is 0 in a keyframe.
    private func frame(_ n: Int, keyframe: Bool = true, packetizer: inout VP8Packetizer)
        -> [(payload: [UInt8], sequence: UInt16, marker: Bool)]
    {
        var bytes = [UInt8](repeating: UInt8(truncatingIfNeeded: n) & 0xFE, count: 250)
        if !keyframe { bytes[0] |= 0x01 }
        return packetizer.packetize(bytes).enumerated().map { index, payload in
            (payload, UInt16(truncatingIfNeeded: 3 * n + index), index == 2)
        }
    }

    @Test("a retransmission that arrives after the next frame began still completes its frame; frames come out in order")
    func retransmissionCompletesAnEarlierFrame() throws {
        var packetizer = VP8Packetizer(maxPayload: 100)
        var buffer = VP8FrameBuffer(maxWaitMilliseconds: 100)
        let first = frame(0, packetizer: &packetizer)
        let second = frame(1, packetizer: &packetizer)
        var out: [VP8FrameBuffer.Frame] = []
        // Frame 0 loses its middle packet; frame 1 arrives whole 33 ms later; the repair at 45 ms.
        for p in [first[0], first[2]] {
            out += try buffer.add(payload: p.payload, sequenceNumber: p.sequence, timestamp: 0, marker: p.marker, nowMilliseconds: 0)
        }
        for p in second {
            out += try buffer.add(payload: p.payload, sequenceNumber: p.sequence, timestamp: 3000, marker: p.marker, nowMilliseconds: 33)
        }
        #expect(out.isEmpty, "frame 1 waits behind frame 0")
        #expect(buffer.pendingFrames == 2)
        out += try buffer.add(payload: first[1].payload, sequenceNumber: 1, timestamp: 0, marker: false, nowMilliseconds: 45)
        #expect(out.map(\.timestamp) == [0, 3000])
        #expect(out.map(\.continuous) == [false, true])
        #expect(buffer.incomplete == 0 && buffer.completed == 2)
        // A retransmission of a frame already out is late, and changes nothing.
        #expect(try buffer.add(payload: first[1].payload, sequenceNumber: 1, timestamp: 0, marker: false, nowMilliseconds: 50).isEmpty)
        #expect(buffer.latePackets == 1)
    }

    @Test("a frame whose packet never comes is given up after the wait, and the frame after it is not continuous")
    func givesUpAfterTheWait() throws {
        var packetizer = VP8Packetizer(maxPayload: 100)
        var buffer = VP8FrameBuffer(maxWaitMilliseconds: 100)
        var out: [VP8FrameBuffer.Frame] = []
        for n in 0..<6 {
            for p in frame(n, packetizer: &packetizer) where !(n == 1 && p.sequence == 4) {
                out += try buffer.add(payload: p.payload, sequenceNumber: p.sequence, timestamp: UInt32(n * 3000),
                                      marker: p.marker, nowMilliseconds: UInt32(n * 33))
            }
            if n == 3 { #expect(out.count == 1, "frames 2 and 3 wait while frame 1 is younger than 100 ms") }
        }
        // At 132 ms frame 1 (begun at 33 ms) has waited 99 ms; at 165 ms it is given up.
        #expect(out.map(\.timestamp) == [0, 6000, 9000, 12000, 15000])
        #expect(out.map(\.continuous) == [false, false, true, true, true])
        #expect(buffer.incomplete == 1)
    }

    @Test("a delta frame lost whole: the next one waits for its retransmission, then both come out continuous; a keyframe never waits")
    func frameLostWhole() throws {
        var packetizer = VP8Packetizer(maxPayload: 100)
        var buffer = VP8FrameBuffer(maxWaitMilliseconds: 100)
        let frames = (0..<5).map { n in frame(n, keyframe: n == 0, packetizer: &packetizer) }
        func add(_ n: Int, at now: UInt32, only: Range<Int> = 0..<3) throws -> [VP8FrameBuffer.Frame] {
            var out: [VP8FrameBuffer.Frame] = []
            for p in frames[n][only] {
                out += try buffer.add(payload: p.payload, sequenceNumber: p.sequence, timestamp: UInt32(n * 3000),
                                      marker: p.marker, nowMilliseconds: now)
            }
            return out
        }
        #expect(try add(0, at: 0).map(\.timestamp) == [0])
        #expect(try add(2, at: 66).isEmpty, "frame 2 waits: its sequence numbers say something came before it")
        let repaired = try add(1, at: 80)
        #expect(repaired.map(\.timestamp) == [3000, 6000])
        #expect(repaired.allSatisfy { $0.continuous && !$0.isKeyframe })
        // Frame 3 is lost whole for good: frame 4 waits 100 ms from its start, then the next
        // packet to arrive (here a duplicate of its last) lets it out, not continuous.
        #expect(try add(4, at: 132).isEmpty)
        #expect(try add(4, at: 200, only: 2..<3).isEmpty)
        let late = try add(4, at: 232, only: 2..<3)
        #expect(late.map(\.timestamp) == [12_000] && late.map(\.continuous) == [false])
        #expect(buffer.latePackets == 2)
        // A keyframe after a gap goes out at once.
        var keyframes = VP8FrameBuffer(maxWaitMilliseconds: 100)
        for n in [0, 2] {
            var got: [VP8FrameBuffer.Frame] = []
            for p in frame(n, packetizer: &packetizer) {
                got += try keyframes.add(payload: p.payload, sequenceNumber: p.sequence, timestamp: UInt32(n * 3000),
                                         marker: p.marker, nowMilliseconds: UInt32(n * 33))
            }
            #expect(got.count == 1 && got[0].isKeyframe)
        }
    }

    @Test("never more than maxFrames + 1 frames are held, whatever arrives")
    func bounded() throws {
        var packetizer = VP8Packetizer(maxPayload: 100)
        var buffer = VP8FrameBuffer(maxFrames: 4, maxWaitMilliseconds: 10_000)
        for n in 0..<50 {
            // Every frame misses its marker packet: nothing ever completes.
            for p in frame(n, packetizer: &packetizer) where !p.marker {
                _ = try buffer.add(payload: p.payload, sequenceNumber: p.sequence, timestamp: UInt32(n * 3000),
                                   marker: p.marker, nowMilliseconds: UInt32(n))
                #expect(buffer.pendingFrames <= 5)
            }
        }
        #expect(buffer.incomplete == 50 - buffer.pendingFrames)
    }
}
