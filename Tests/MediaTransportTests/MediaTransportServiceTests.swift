import Logging
import NIOCore
import NIOPosix
import Testing
@testable import MediaTransport

@Suite("media UDP listeners")
struct MediaTransportServiceTests {
    @Test("binds one port per loop on loopback and counts what arrives, by class")
    func bindsAndCounts() async throws {
        let service = MediaTransportService(
            configuration: .init(bindAddress: "127.0.0.1", firstPort: 0, loops: 2),
            logger: Logger(label: "test"))
        try await service.bind()
        let ports = service.boundPorts
        #expect(ports.count == 2)
        #expect(Set(ports).count == 2)

        let client = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let datagrams: [[UInt8]] = [[0x00, 0x01, 0, 0], [0x16, 0xFE, 0xFD], [0x80, 0x60, 0, 1], [0xFF]]
        for port in ports {
            let target = try SocketAddress(ipAddress: "127.0.0.1", port: port)
            for d in datagrams {
                try await client.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: ByteBuffer(bytes: d)))
            }
        }
        // Loopback delivery is asynchronous; poll the counters (bounded) until all 8 arrive.
        var counters = DatagramCounters()
        for _ in 0..<200 {
            counters = try await service.counters()
            if counters.received == 8 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(counters.received == 8)
        #expect(counters.stun == 2)
        #expect(counters.dtls == 2)
        #expect(counters.rtpOrRTCP == 2)
        #expect(counters.dropped == 8, "no peer exists yet, so everything is dropped")
        try await client.close()
        try await service.shutdown()
    }

    @Test("a port already taken fails bind with a typed error naming it")
    func bindConflict() async throws {
        let first = MediaTransportService(configuration: .init(firstPort: 0, loops: 1), logger: Logger(label: "test"))
        try await first.bind()
        let taken = try #require(first.boundPorts.first)
        let second = MediaTransportService(configuration: .init(firstPort: taken, loops: 1), logger: Logger(label: "test"))
        await #expect(throws: MediaTransportError.self) { try await second.bind() }
        try await first.shutdown()
        try await second.shutdown()
    }
}
