import Logging
import NIOCore
import NIOPosix
import SFU
import Testing
@testable import MediaTransport

@Suite("media UDP listeners")
struct MediaTransportServiceTests {
    @Test("binds one port per loop on loopback and drops what no peer owns, counted by reason")
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
        // Not-quite-STUN framing, a DTLS header, an RTP header, a byte no protocol owns.
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
        #expect(counters.notSTUN == 2)
        #expect(counters.dtlsBeforeICE == 2)
        #expect(counters.unknownSource == 2)
        #expect(counters.unknownClass == 2)
        #expect(counters.dropped == 8, "no peer exists, so everything is dropped")
        #expect(counters.stun + counters.dtls + counters.rtp + counters.rtcp == 0)
        try await client.close()
        try await service.shutdown()
        #expect(!service.isReady)
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

    @Test("openSession before bind or after shutdown is unavailable, not a crash")
    func notRunning() async throws {
        let service = MediaTransportService(configuration: .init(firstPort: 0, loops: 1), logger: Logger(label: "test"))
        let client = try await LoopbackClient.make()
        defer { Task { await client.close() } }
        let request = PeerSessionRequest(room: "r", participant: "p", role: .host, intent: .publish,
                                         offer: client.offer([.init(kind: .audio, direction: .sendonly, ssrc: 5)]))
        await #expect(throws: MediaPlaneError.self) { _ = try await service.openSession(request) }
        try await service.bind()
        try await service.shutdown()
        do {
            _ = try await service.openSession(request)
            Issue.record("openSession after shutdown succeeded")
        } catch {
            guard case .unavailable = error else {
                Issue.record("expected unavailable, got \(error)")
                return
            }
        }
    }
}
