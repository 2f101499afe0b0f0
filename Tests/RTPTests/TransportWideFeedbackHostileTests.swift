import Testing
import TestSupport
@testable import RTP

@Suite("Hostile input: transport-wide CC feedback")
struct TransportWideFeedbackHostileTests {
    static var seeds: [[UInt8]] {
        get throws {
            var rng = SeededGenerator(seed: 99)
            var seeds = [TransportWideFeedbackTests.twoBitVector, TransportWideFeedbackTests.runAndOneBit]
                + TransportWideFeedbackTests.chromeSamples
            for length in [3, 17, 60, 300] {
                var arrivals: [Duration?] = []
                var now = Duration.seconds(5)
                for _ in 0..<length {
                    now += .microseconds(Int64(rng.next() % 40_000))
                    arrivals.append(rng.next() % 5 == 0 ? nil : now)
                }
                arrivals[0] = .seconds(5)
                seeds.append(try TransportWideFeedback(senderSSRC: 1, mediaSSRC: 2, baseSequenceNumber: UInt16(truncatingIfNeeded: length * 1000),
                                                       feedbackPacketCount: UInt8(truncatingIfNeeded: length), arrivalTimes: arrivals).marshal())
            }
            return seeds
        }
    }

    @Test("100k hostile feedback packets: typed error or a bounded, re-encodable parse")
    func hostile() throws {
        var valid = 0
        var invalid = 0
        for hostile in HostileInput(seeds: try Self.seeds, count: 100_000, seed: 0x7477_6363) {
            let feedback: TransportWideFeedback
            do {
                feedback = try TransportWideFeedback(parsing: hostile.bytes)
            } catch {
                invalid += 1
                continue
            }
            valid += 1
            // The list is never longer than its status count, and never longer than what the
            // chunks inside the packet can describe (8191 per 2-byte chunk).
            #expect(feedback.packets.count >= 1 && feedback.packets.count <= 65535)
            #expect(feedback.packets.count <= 8191 * max(0, (hostile.bytes.count - 20) / 2), "\(hostile.kind) #\(hostile.index)")
            #expect(feedback.packets.first?.sequenceNumber == feedback.baseSequenceNumber)
            let bytes = try feedback.marshal()
            #expect(try TransportWideFeedback(parsing: bytes) == feedback, "\(hostile.kind) #\(hostile.index)")
        }
        #expect(valid > 1000)
        #expect(invalid > 1000)
    }
}
