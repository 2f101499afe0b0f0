import RTP
import Testing
@testable import SyntheticMedia

@Suite("The viewer's VP8 jitter buffer")
struct VP8FrameBufferTests {
    /// Frame `n`'s packets: `count` payloads of a 3-packet frame, sequence numbers from `3n`.
    private func frame(_ n: Int, packetizer: inout VP8Packetizer) -> [(payload: [UInt8], sequence: UInt16, marker: Bool)] {
        let bytes = [UInt8](repeating: UInt8(truncatingIfNeeded: n) & 0xFE, count: 250)  // P bit 0: a keyframe
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
