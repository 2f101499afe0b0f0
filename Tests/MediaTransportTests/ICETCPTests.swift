import DTLS
import ICE
import NIOCore
import NIOEmbedded
import SDP
import STUN
import Testing
@testable import MediaTransport

@Suite("ICE over TCP: RFC 4571 framing, framed egress, candidates, addresses")
struct ICETCPTests {
    /// Frames as a stream: the length, then the bytes.
    private func stream(_ frames: [[UInt8]]) -> [UInt8] {
        frames.flatMap { frame in [UInt8(frame.count >> 8), UInt8(frame.count & 0xFF)] + frame }
    }

    @Test("a stream cut at every possible point gives back exactly its frames; empty frames are skipped")
    func framerReassemblesAnySplit() throws {
        let frames: [[UInt8]] = [[0x00, 0x01, 0x02], [], Array(repeating: 0x80, count: 1200), [0x16], Array(0..<255)]
        let bytes = stream(frames)
        for cut in 0...bytes.count {
            let channel = EmbeddedChannel(handler: ByteToMessageHandler(TCPMediaFramer()))
            try channel.writeInbound(ByteBuffer(bytes: bytes[0..<cut]))
            try channel.writeInbound(ByteBuffer(bytes: bytes[cut...]))
            var got: [[UInt8]] = []
            while let frame = try channel.readInbound(as: ByteBuffer.self) { got.append(Array(frame.readableBytesView)) }
            #expect(got == frames.filter { !$0.isEmpty }, "cut at \(cut)")
            _ = try? channel.finish()
        }
    }

    @Test("hostile streams: random bytes and truncated frames never trap and never yield more than was sent")
    func framerSurvivesHostileStreams() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let count = Int.random(in: 0..<600, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let channel = EmbeddedChannel(handler: ByteToMessageHandler(TCPMediaFramer()))
            var offset = 0
            while offset < bytes.count {
                let step = Int.random(in: 1...64, using: &generator)
                try channel.writeInbound(ByteBuffer(bytes: bytes[offset..<min(bytes.count, offset + step)]))
                offset += step
            }
            var total = 0
            while let frame = try channel.readInbound(as: ByteBuffer.self) {
                #expect(frame.readableBytes > 0)
                total += frame.readableBytes + 2
            }
            #expect(total <= bytes.count)
            _ = try? channel.finish()
        }
        // A length promising more than ever arrives yields nothing.
        var buffer = ByteBuffer(bytes: [0xFF, 0xFF, 1, 2, 3])
        #expect(TCPMediaFramer.nextFrame(from: &buffer) == nil)
        #expect(buffer.readableBytes == 5, "an incomplete frame consumes nothing")
    }

    @Test("the egress queue writes a TCP packet's RFC 4571 length in front of it, in the slab")
    func framedAppend() throws {
        var queue = EgressQueue(allocator: ByteBufferAllocator(), capacity: 64 << 10)
        let destination = try SocketAddress(ipAddress: "127.0.0.1", port: 4000)
        let link = TCPMediaLink(loop: nil)
        let payload: [UInt8] = Array(0..<200)
        #expect(queue.append(capacity: 300, to: destination, link: link) { buffer in
            buffer.copyBytes(from: payload)
            return payload.count
        })
        #expect(queue.append(capacity: 10, to: destination) { buffer in
            buffer[0] = 0xAB
            return 1
        })
        var framed: [[UInt8]] = []
        var datagrams: [[UInt8]] = []
        queue.drain({ datagrams.append(Array($0.data.readableBytesView)) },
                    writeFramed: { _, bytes in framed.append(Array(bytes.readableBytesView)) })
        #expect(framed == [[0x00, 0xC8] + payload])
        #expect(datagrams == [[0xAB]])
    }

    @Test("candidates: one UDP host per announce address, then passive TCP ones ranked below every UDP one")
    func candidatesOrderAndPriorities() throws {
        let identity = LocalIdentity(credentials: ICECredentials.random(),
                                     fingerprint: SDPFingerprint(hashFunction: "sha-256", bytes: Array(repeating: 0xAB, count: 32)),
                                     candidateAddresses: ["203.0.113.7", "2001:db8::7"], port: 50_000, tcp: true, sessionID: 1)
        let candidates = identity.candidates
        #expect(candidates.map(\.transport) == ["udp", "udp", "tcp", "tcp"])
        #expect(candidates.map(\.address) == ["203.0.113.7", "2001:db8::7", "203.0.113.7", "2001:db8::7"])
        #expect(candidates.allSatisfy { $0.port == 50_000 })
        #expect(Set(candidates.map(\.foundation)).count == 4)
        #expect(candidates[2].extensionValue("tcptype") == "passive")
        let udp = candidates.filter(\.isUDP).map(\.priority)
        let tcp = candidates.filter { !$0.isUDP }.map(\.priority)
        #expect(udp[0] > udp[1] && tcp[0] > tcp[1])
        #expect(tcp.max()! < udp.min()!)
        // RFC 6544 4.2 for a passive host candidate: type 126, direction 4 << 13 plus the other preference.
        #expect(tcp[0] == (126 << 24) | (((4 << 13) | 8191) << 8) | 255)
        // Round trip through the SDP text a browser reads.
        let line = candidates[3].attributeValue
        #expect(try SDPCandidate(parsing: line) == candidates[3])
        let noTCP = LocalIdentity(credentials: identity.credentials, fingerprint: identity.fingerprint,
                                  candidateAddresses: ["203.0.113.7"], port: 50_000, sessionID: 1)
        #expect(noTCP.candidates.map(\.transport) == ["udp"])
    }

    @Test("addresses: wildcards and names are refused as announce addresses; a wildcard bind needs one")
    func addressValidation() {
        func refused(_ configuration: MediaTransportConfiguration) -> Bool {
            do {
                try configuration.validate()
                return false
            } catch {
                return true
            }
        }
        #expect(!refused(MediaTransportConfiguration(bindAddress: "127.0.0.1")))
        #expect(!refused(MediaTransportConfiguration(bindAddress: "0.0.0.0", announceAddresses: ["203.0.113.7", "2001:db8::7"])))
        #expect(!refused(MediaTransportConfiguration(bindAddress: "::", announceAddresses: ["2001:db8::7"])))
        #expect(refused(MediaTransportConfiguration(bindAddress: "0.0.0.0")))
        #expect(refused(MediaTransportConfiguration(bindAddress: "::")))
        #expect(refused(MediaTransportConfiguration(bindAddress: "0.0.0.0", announceAddresses: ["0.0.0.0"])))
        #expect(refused(MediaTransportConfiguration(bindAddress: "127.0.0.1", announceAddresses: ["::"])))
        #expect(refused(MediaTransportConfiguration(bindAddress: "127.0.0.1", announceAddresses: ["media.example.com"])))
        #expect(refused(MediaTransportConfiguration(bindAddress: "localhost")))
    }
}

@Suite("transport addresses from sockets")
struct SocketTransportAddressTests {
    @Test("an IPv4-mapped IPv6 source (a dual-stack socket on ::) is its IPv4 address; real IPv6 stays IPv6")
    func mappedAddressesAreIPv4() throws {
        let mapped = try SocketAddress(ipAddress: "::ffff:203.0.113.9", port: 4242)
        #expect(TransportAddress(mapped) == TransportAddress(ipv4: 203, 0, 113, 9, port: 4242))
        let v6 = try SocketAddress(ipAddress: "2001:db8::9", port: 4242)
        #expect(TransportAddress(v6) == TransportAddress(ip: .v6(high: 0x2001_0db8_0000_0000, low: 9), port: 4242))
        let loopback6 = try SocketAddress(ipAddress: "::1", port: 1)
        #expect(TransportAddress(loopback6) == TransportAddress(ip: .v6(high: 0, low: 1), port: 1))
    }
}
