import NIOCore
import RTP
import SFU
import Testing
@testable import MediaTransport

@Suite("packet path pieces: header-extension stripping, the egress slab, simulcast layers")
struct PacketPathUnitTests {
    static func packet(ssrc: UInt32, extensions: [RTPHeaderExtension], payload: [UInt8] = [1, 2, 3, 4, 5]) throws -> [UInt8] {
        try RTPPacketBuilder(payloadType: 96, sequenceNumber: 9, timestamp: 99, ssrc: ssrc, csrcs: [0xAABB_CCDD],
                             extensions: extensions).build(payload: payload)
    }

    @Test("stripping removes the extension block and X bit, keeping header fields, CSRCs and payload")
    func strip() throws {
        var bytes = try Self.packet(ssrc: 5, extensions: [RTPHeaderExtension(id: 4, value: Array("mid0".utf8)),
                                                          RTPHeaderExtension(id: 10, value: [1, 2, 3])])
        let original = try RTPHeader(parsing: bytes)
        let length = bytes.withUnsafeMutableBytes { EgressPath.stripHeaderExtension($0, length: $0.count) }
        #expect(length < bytes.count)
        let stripped = Array(bytes[0..<length])
        let header = try RTPHeader(parsing: stripped)
        #expect(!header.hasExtension)
        #expect(header.ssrc == 5 && header.sequenceNumber == 9 && header.timestamp == 99 && header.csrcCount == 1)
        #expect(Array(stripped[header.payloadRange]) == [1, 2, 3, 4, 5])
        #expect(original.hasExtension)
    }

    @Test("a packet without an extension, or with one that overruns it, is left alone")
    func stripNoOp() throws {
        var plain = try Self.packet(ssrc: 5, extensions: [])
        let n = plain.count
        #expect(plain.withUnsafeMutableBytes { EgressPath.stripHeaderExtension($0, length: $0.count) } == n)
        var broken = try Self.packet(ssrc: 5, extensions: [RTPHeaderExtension(id: 4, value: [1])])
        broken[12 + 4 + 2] = 0xFF  // extension length in words: far beyond the packet
        let before = broken
        #expect(broken.withUnsafeMutableBytes { EgressPath.stripHeaderExtension($0, length: $0.count) } == broken.count)
        #expect(broken == before)
    }

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
        queue.drain { out.append(($0.remoteAddress, Array($0.data.readableBytesView))) }
        #expect(out.map(\.1) == [[1], [2, 2], [3, 3, 3]])
        #expect(out.map(\.0) == [a, b, a])
        #expect(queue.count == 3, "drain only hands out: the flush times the datagrams afterwards")
        queue.recycle()
        #expect(queue.isEmpty)
        #expect(queue.fits(1024))
    }

    @Test("simulcast: the chosen rid binds its SSRC, other layers and repair streams are dropped, other sections pass")
    func simulcast() throws {
        var filter = SimulcastFilter(ridExtensionID: 10, repairedRIDExtensionID: 11)
        filter.add(.init(rid: "h", track: 3, ssrc: nil))
        func judge(_ ssrc: UInt32, rid: String? = nil, repaired: String? = nil) throws -> SimulcastFilter.Verdict {
            var extensions: [RTPHeaderExtension] = []
            if let rid { extensions.append(RTPHeaderExtension(id: 10, value: Array(rid.utf8))) }
            if let repaired { extensions.append(RTPHeaderExtension(id: 11, value: Array(repaired.utf8))) }
            let bytes = try Self.packet(ssrc: ssrc, extensions: extensions)
            return bytes.withUnsafeBytes { filter.inspect($0) }
        }
        #expect(try judge(20, rid: "l") == .drop)
        #expect(try judge(20) == .drop, "remembered as another layer")
        #expect(try judge(21, rid: "h") == .bind(3, ssrc: 21))
        #expect(try judge(21) == .pass)
        #expect(try judge(22, repaired: "h") == .drop)
        #expect(try judge(30) == .pass, "no rid: another section's stream")
        #expect(filter.layers.first?.ssrc == 21)
        filter.remove(track: 3)
        #expect(try judge(20, rid: "l") == .pass, "no simulcast section left")
    }
}
