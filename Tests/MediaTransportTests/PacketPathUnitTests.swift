import NIOCore
import RTP
import SFU
import Testing
@testable import MediaTransport

@Suite("packet path pieces: the egress slab")
struct PacketPathUnitTests {
    @Test("the egress queue hands out datagrams in order with their destinations and empties on recycle")
    func egressQueue() throws {
        var queue = EgressQueue(allocator: ByteBufferAllocator(), capacity: 1024)
        let a = try SocketAddress(ipAddress: "127.0.0.1", port: 1000)
        let b = try SocketAddress(ipAddress: "127.0.0.1", port: 2000)
        for (i, to) in [(1, a), (2, b), (3, a)] {
            #expect(queue.append(capacity: 100, to: to) { buffer in
                for j in 0..<i { buffer[j] = UInt8(i) }
                return i
            })
        }
        #expect(!queue.append(capacity: 100, to: a) { _ in 0 }, "a body that writes nothing queues nothing")
        #expect(!queue.fits(2000))
        var out: [(SocketAddress, [UInt8])] = []
        queue.drain({ out.append(($0.remoteAddress, Array($0.data.readableBytesView))) },
                    writeFramed: { _, _ in Issue.record("no TCP link was named") })
        #expect(out.map(\.1) == [[1], [2, 2], [3, 3, 3]])
        #expect(out.map(\.0) == [a, b, a])
        #expect(queue.count == 3, "drain only hands out: the flush times the datagrams afterwards")
        queue.recycle()
        #expect(queue.isEmpty)
        #expect(queue.fits(1024))
    }
}
