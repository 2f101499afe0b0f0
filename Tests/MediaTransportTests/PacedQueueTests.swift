import SFU
import Testing
@testable import MediaTransport

@Suite("paced queue: held-back packets leave per viewer in order, never block another viewer, never drop")
struct PacedQueueTests {
    static func rewrite(_ n: UInt16) -> RTPRewrite {
        RTPRewrite(ssrc: 1, sequenceNumber: n, timestamp: 0, payloadType: 96, marker: false)
    }

    func enqueue(_ queue: inout PacedQueue, _ n: UInt16, to participant: ParticipantID, size: Int = 100) -> Bool {
        let bytes = [UInt8](repeating: UInt8(truncatingIfNeeded: n), count: size)
        return bytes.withUnsafeBytes { queue.enqueue($0, to: participant, rewrite: Self.rewrite(n), ingressNanoseconds: 0) }
    }

    @Test("a viewer over budget keeps its packets in order; another viewer's go past it")
    func perViewerOrder() {
        var queue = PacedQueue(slots: 8, slotSize: 200)
        defer { queue.deallocate() }
        for n in 0..<6 as Range<UInt16> { #expect(enqueue(&queue, n, to: n % 2 == 0 ? 1 : 2)) }
        // Viewer 1 may send one packet per pass; viewer 2 everything.
        var sent: [(ParticipantID, UInt16)] = []
        var bytesOK = true
        for _ in 0..<3 {
            var budget = 1
            queue.release { entry, bytes in
                bytesOK = bytesOK && bytes.count == 100 && bytes.allSatisfy { $0 == UInt8(entry.rewrite.sequenceNumber) }
                if entry.participant == 1 {
                    guard budget > 0 else { return false }
                    budget -= 1
                }
                sent.append((entry.participant, entry.rewrite.sequenceNumber))
                return true
            }
        }
        #expect(bytesOK, "each entry hands back its own bytes")
        #expect(sent.filter { $0.0 == 1 }.map(\.1) == [0, 2, 4])
        #expect(sent.filter { $0.0 == 2 }.map(\.1) == [1, 3, 5])
        #expect(sent.prefix(4).map(\.1) == [0, 1, 3, 5], "viewer 2 went past viewer 1's waiting packets")
        #expect(queue.isEmpty)
        #expect(queue.span == 0)
    }

    @Test("full ring and oversized packets are refused (the caller sends them at once); the ring wraps")
    func bounds() {
        var queue = PacedQueue(slots: 4, slotSize: 200)
        defer { queue.deallocate() }
        #expect(!enqueue(&queue, 0, to: 1, size: 201))
        for n in 0..<4 as Range<UInt16> { #expect(enqueue(&queue, n, to: 1)) }
        #expect(!enqueue(&queue, 9, to: 1), "full")
        var released: [UInt16] = []
        queue.release { entry, _ in
            guard entry.rewrite.sequenceNumber < 2 else { return false }
            released.append(entry.rewrite.sequenceNumber)
            return true
        }
        #expect(released == [0, 1])
        #expect(queue.waiting == 2)
        #expect(enqueue(&queue, 4, to: 1) && enqueue(&queue, 5, to: 1), "freed slots at the head are reused")
        #expect(!enqueue(&queue, 6, to: 1))
        queue.release { entry, _ in
            released.append(entry.rewrite.sequenceNumber)
            return true
        }
        #expect(released == [0, 1, 2, 3, 4, 5])
        #expect(queue.isEmpty)
    }
}
