import DTLS
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SFU
import ServiceLifecycle

/// Owns the media event loops, their sockets and the DTLS identity for the life of the server,
/// and is the `MediaPlane` signaling talks to.
///
/// The only lock here guards the control plane's registry (which loop owns which room and
/// session); it is never taken on the packet path. Rooms go to the loop with the fewest
/// sessions when they are first used, and stay there while they have sessions.
public final class MediaTransportService: Service, Sendable {
    public let configuration: MediaTransportConfiguration
    let group: MultiThreadedEventLoopGroup
    let logger: Logger
    let certificate: DTLSCertificate?
    let certificateError: String?
    let state: NIOLockedValueBox<Registry>
    /// Recordings running, by room (MediaTransportService+Recording).
    let recorders = RecorderDirectory()
    /// What clients say on chat channels, for the one consumer of `chatInput`; bounded, so a
    /// server nobody consumes for (tools, tests) cannot grow without end.
    public let chatInput: AsyncStream<DataChannelChatInput>
    let chatInputContinuation: AsyncStream<DataChannelChatInput>.Continuation

    struct Registry {
        var loops: [MediaLoop] = []
        var ports: [Int] = []
        /// Sessions per loop (for placing new rooms).
        var load: [Int] = []
        var sessions: [PeerSessionID: Session] = [:]
        var rooms: [String: RoomPlacement] = [:]
        /// Event streams not yet taken by `events(of:)`.
        var streams: [PeerSessionID: AsyncStream<PeerSessionEvent>] = [:]
        var isShutDown = false
    }

    struct Session {
        var loop: Int
        var room: String
    }

    struct RoomPlacement {
        var loop: Int
        var sessions: Int
    }

    public convenience init(configuration: MediaTransportConfiguration, logger: Logger) {
        let certificate: DTLSCertificate?
        let failure: String?
        do {
            certificate = try DTLSCertificate()
            failure = nil
        } catch {
            certificate = nil
            failure = "\(error)"
        }
        self.init(configuration: configuration, logger: logger, certificate: certificate, certificateError: failure)
    }

    /// With a given DTLS identity (tests; a rotation scheme later).
    public convenience init(configuration: MediaTransportConfiguration, logger: Logger, certificate: DTLSCertificate) {
        self.init(configuration: configuration, logger: logger, certificate: certificate, certificateError: nil)
    }

    private init(configuration: MediaTransportConfiguration, logger: Logger, certificate: DTLSCertificate?,
                 certificateError: String?) {
        self.configuration = configuration
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.loops)
        self.logger = logger
        self.certificate = certificate
        self.certificateError = certificateError
        self.state = NIOLockedValueBox(Registry())
        (chatInput, chatInputContinuation) = AsyncStream.makeStream(of: DataChannelChatInput.self,
                                                                    bufferingPolicy: .bufferingNewest(10_000))
    }

    /// Binds one socket per loop. Separate from `run()` so a caller can learn the ports (and fail
    /// start-up early) before serving.
    public func bind() async throws {
        guard let certificate else { throw MediaTransportError.certificateUnavailable(certificateError ?? "unknown") }
        try configuration.validate()
        var loops: [MediaLoop] = []
        var ports: [Int] = []
        var eventLoops = group.makeIterator()
        for index in 0..<configuration.loops {
            guard let eventLoop = eventLoops.next() else { break }
            let requested = configuration.firstPort == 0 ? 0 : configuration.firstPort + index
            let loop = MediaLoop(index: index, eventLoop: eventLoop, certificate: certificate, settings: configuration,
                                 logger: logger, onSessionClosed: { [weak self] session, _ in self?.release(session) },
                                 onChatInput: { [continuation = chatInputContinuation] in continuation.yield($0) })
            loop.recorderDirectory = recorders
            do {
                let port = try await loop.bind(host: configuration.bindAddress, port: requested)
                loops.append(loop)
                // ICE-TCP on the same number: an operator opens one port range for both.
                if configuration.tcp { try await loop.bindTCP(host: configuration.bindAddress, port: port) }
                ports.append(port)
            } catch {
                for bound in loops { await bound.shutdown() }
                throw MediaTransportError.bindFailed(address: configuration.bindAddress, port: requested, underlying: error)
            }
        }
        state.withLockedValue {
            $0.loops = loops
            $0.ports = ports
            $0.load = Array(repeating: 0, count: loops.count)
        }
        logger.info("media listening", metadata: ["ports": "\(ports)", "tcp": "\(configuration.tcp)",
                                                  "announce": "\(configuration.candidateAddresses)",
                                                  "fingerprint": "\(certificate.fingerprint)"])
    }

    /// The UDP ports actually bound, one per loop (control plane only).
    public var boundPorts: [Int] { state.withLockedValue { $0.ports } }

    public var isReady: Bool { state.withLockedValue { !$0.loops.isEmpty && !$0.isShutDown } }

    /// Sum of every loop's counters, each read on its own loop.
    public func counters() async throws -> DatagramCounters {
        var total = DatagramCounters()
        for loop in state.withLockedValue({ $0.loops }) {
            total = total + (try await loop.eventLoop.submit { loop.snapshot() }.get())
        }
        return total
    }

    /// Every loop's forwarding-delay histogram, summed (each read on its own loop).
    public func forwardDelays() async throws -> ForwardDelayHistogram {
        var total = ForwardDelayHistogram()
        for loop in state.withLockedValue({ $0.loops }) {
            total = total + (try await loop.eventLoop.submit { loop.forwardDelays() }.get())
        }
        return total
    }

    /// Runs `body` on each media loop's thread, in loop order, and returns what it gave. For
    /// benchmarks that read per-thread figures (CPU time, allocation counters) of the packet path;
    /// `body` must not touch loop state.
    public func onEachLoopThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws -> [T] {
        var results: [T] = []
        for loop in state.withLockedValue({ $0.loops }) {
            results.append(try await loop.eventLoop.submit(body).get())
        }
        return results
    }

    /// What every loop holds right now (tests: cleanup must bring it back to zero).
    func census() async throws -> MediaLoop.Census {
        var total = MediaLoop.Census(peers: 0, routes: 0, ufrags: 0, rooms: 0, timerArmed: false)
        for loop in state.withLockedValue({ $0.loops }) {
            let c = try await loop.eventLoop.submit { loop.census() }.get()
            total.peers += c.peers
            total.routes += c.routes
            total.ufrags += c.ufrags
            total.rooms += c.rooms
            total.timerArmed = total.timerArmed || c.timerArmed
        }
        return total
    }

    public func run() async throws {
        if !isReady { try await bind() }
        try? await gracefulShutdown()
        try await shutdown()
    }

    /// Ends every session, closes the sockets and stops the loops. Safe to call twice.
    public func shutdown() async throws {
        let loops: [MediaLoop]? = state.withLockedValue { registry in
            guard !registry.isShutDown else { return nil }
            registry.isShutDown = true
            defer { registry.loops = [] }
            return registry.loops
        }
        guard let loops else { return }
        for loop in loops { await loop.shutdown() }
        try await group.shutdownGracefully()
    }

    // MARK: registry

    /// Picks (or reuses) the loop of `room` and registers the session there.
    func place(_ session: PeerSessionID, in room: String,
               stream: AsyncStream<PeerSessionEvent>) throws(MediaPlaneError) -> MediaLoop {
        let placed: MediaLoop? = state.withLockedValue { registry in
            guard !registry.isShutDown, !registry.loops.isEmpty else { return nil }
            let index: Int
            if let existing = registry.rooms[room] {
                index = existing.loop
            } else {
                index = registry.load.indices.min { registry.load[$0] < registry.load[$1] } ?? 0
            }
            registry.rooms[room, default: RoomPlacement(loop: index, sessions: 0)].sessions += 1
            registry.load[index] += 1
            registry.sessions[session] = Session(loop: index, room: room)
            registry.streams[session] = stream
            return registry.loops[index]
        }
        guard let placed else { throw .unavailable("media transport is not running") }
        return placed
    }

    /// Forgets a session (idempotent): called when its loop closes it, or when opening failed.
    func release(_ session: PeerSessionID) {
        state.withLockedValue { registry in
            guard let entry = registry.sessions.removeValue(forKey: session) else { return }
            registry.streams[session] = nil
            if entry.loop < registry.load.count { registry.load[entry.loop] -= 1 }
            if let placement = registry.rooms[entry.room] {
                if placement.sessions <= 1 {
                    registry.rooms[entry.room] = nil
                } else {
                    registry.rooms[entry.room]?.sessions -= 1
                }
            }
        }
    }

    func loop(of session: PeerSessionID) -> MediaLoop? {
        state.withLockedValue { registry in
            registry.sessions[session].flatMap { registry.loops.indices.contains($0.loop) ? registry.loops[$0.loop] : nil }
        }
    }

    func loop(ofRoom room: String) -> MediaLoop? {
        state.withLockedValue { registry in
            registry.rooms[room].flatMap { registry.loops.indices.contains($0.loop) ? registry.loops[$0.loop] : nil }
        }
    }

    func takeStream(of session: PeerSessionID) -> AsyncStream<PeerSessionEvent>? {
        state.withLockedValue { $0.streams.removeValue(forKey: session) }
    }

    /// Runs `body` on the loop and brings back its typed result.
    func onLoop<T: Sendable>(_ loop: MediaLoop,
                             _ body: @escaping @Sendable () throws(MediaPlaneError) -> T) async throws(MediaPlaneError) -> T {
        let result: Result<T, MediaPlaneError>
        do {
            result = try await loop.eventLoop.submit { () -> Result<T, MediaPlaneError> in
                do throws(MediaPlaneError) {
                    return .success(try loop.control(body))
                } catch {
                    return .failure(error)
                }
            }.get()
        } catch {
            throw .unavailable("media loop unavailable: \(error)")
        }
        return try result.get()
    }
}
