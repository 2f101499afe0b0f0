import NIOCore
import NIOPosix
import NIOConcurrencyHelpers
import Logging
import ServiceLifecycle

/// Where media listens: one UDP port per event loop, from `firstPort` upwards.
public struct MediaTransportConfiguration: Sendable {
    public var bindAddress: String
    public var firstPort: Int
    /// The address written into ICE candidates (defaults to `bindAddress`).
    public var announceAddress: String?
    public var loops: Int

    public static var defaultLoops: Int { System.coreCount }

    public init(bindAddress: String = "127.0.0.1", firstPort: Int = 50000,
                announceAddress: String? = nil, loops: Int = MediaTransportConfiguration.defaultLoops) {
        self.bindAddress = bindAddress
        self.firstPort = firstPort
        self.announceAddress = announceAddress
        self.loops = max(1, loops)
    }
}

public enum MediaTransportError: Error, CustomStringConvertible {
    case bindFailed(address: String, port: Int, underlying: any Error)

    public var description: String {
        switch self {
        case let .bindFailed(address, port, underlying):
            return "cannot bind media UDP \(address):\(port): \(underlying)"
        }
    }
}

/// Owns the media event loops and their sockets for the life of the server.
public final class MediaTransportService: Service, Sendable {
    public let configuration: MediaTransportConfiguration
    private let group: MultiThreadedEventLoopGroup
    private let logger: Logger
    private let state: NIOLockedValueBox<[BoundListener]>

    struct BoundListener: Sendable {
        let channel: any Channel
        let listener: MediaListener
    }

    public init(configuration: MediaTransportConfiguration, logger: Logger) {
        self.configuration = configuration
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.loops)
        self.logger = logger
        self.state = NIOLockedValueBox([])
    }

    /// Binds one socket per loop. Separate from `run()` so a caller can learn the ports (and fail
    /// start-up early) before serving.
    public func bind() async throws {
        var bound: [BoundListener] = []
        var loops = group.makeIterator()
        for index in 0..<configuration.loops {
            guard let loop = loops.next() else { break }
            let port = configuration.firstPort == 0 ? 0 : configuration.firstPort + index
            let listener = MediaListener(eventLoop: loop, logger: logger)
            do {
                // No SO_REUSEADDR: on Linux it lets two UDP sockets share a port, and a second
                // server on our port must fail loudly instead of stealing half the datagrams.
                let channel = try await DatagramBootstrap(group: loop)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(listener)
                        }
                    }
                    .bind(host: configuration.bindAddress, port: port).get()
                bound.append(BoundListener(channel: channel, listener: listener))
            } catch {
                for b in bound { try? await b.channel.close() }
                throw MediaTransportError.bindFailed(address: configuration.bindAddress, port: port, underlying: error)
            }
        }
        state.withLockedValue { $0 = bound }
        logger.info("media UDP listening", metadata: ["ports": "\(boundPorts)"])
    }

    /// The UDP ports actually bound, one per loop (control plane only).
    public var boundPorts: [Int] {
        state.withLockedValue { $0.compactMap { $0.channel.localAddress?.port } }
    }

    public var isReady: Bool { state.withLockedValue { !$0.isEmpty } }

    /// Sum of every listener's counters, read on each listener's own loop.
    public func counters() async throws -> DatagramCounters {
        var total = DatagramCounters()
        for b in state.withLockedValue({ $0 }) {
            let c = try await b.listener.snapshot().get()
            total.received += c.received
            total.stun += c.stun
            total.dtls += c.dtls
            total.rtpOrRTCP += c.rtpOrRTCP
            total.dropped += c.dropped
        }
        return total
    }

    public func run() async throws {
        if !isReady { try await bind() }
        try? await gracefulShutdown()
        try await shutdown()
    }

    public func shutdown() async throws {
        let bound = state.withLockedValue { list in defer { list = [] }; return list }
        for b in bound { try? await b.channel.close() }
        try await group.shutdownGracefully()
    }
}
