import DTLS
import Logging
import NIOCore
import NIOPosix
import SFU

/// Everything one event loop owns: one UDP socket (one port), the rooms assigned to the loop,
/// their peers (one registry, which routes too), the egress path and one timer armed at the
/// earliest deadline of all of them. A room never spans loops, so the packet path never crosses threads.
///
/// Threading: every mutable field is touched only on `eventLoop`. The packet path (the
/// listener's `channelRead`) runs there; control-plane calls hop there with `submit`. That is
/// what makes the `@unchecked Sendable` sound.
final class MediaLoop: @unchecked Sendable {
    let index: Int
    let eventLoop: any EventLoop
    let certificate: DTLSCertificate
    let settings: MediaTransportConfiguration
    let logger: Logger
    let egress: EgressPath
    /// Called (on this loop) when a session ends, so the service can forget it.
    let onSessionClosed: @Sendable (PeerSessionID, String) -> Void
    /// Called (on this loop) with what clients say on their chat channels; must not block.
    let onChatInput: @Sendable (DataChannelChatInput) -> Void

    private(set) var channel: (any Channel)?
    /// The ICE-TCP listener (MediaLoop+TCP.swift), when TCP is on.
    var tcpListener: (any Channel)?
    private(set) var port = 0

    let peers = PeerRegistry<PeerConnection>()
    var rooms: [String: RoomHost] = [:]
    var counters = DatagramCounters()
    /// Where each datagram is copied before anything reads it: NIO's vector-read buffer holds
    /// a whole batch, and SRTP decrypts in place, so neither is kept nor written to.
    let ingress: UnsafeMutableRawBufferPointer
    /// Where the loop builds its own RTCP (congestion feedback) before the egress path copies it.
    let rtcpScratch: UnsafeMutableRawBufferPointer
    var random = SystemRandomNumberGenerator()
    var nextParticipant: UInt64 = 1
    /// Recordings running (set by the service), and the ones attached to rooms on this loop.
    var recorderDirectory: RecorderDirectory?
    var recordings: [RecordingKey: RecorderAttachment] = [:]
    var nextTrack: UInt64 = 1

    /// The time of the read batch in progress (read once per batch).
    private var batchTime: Duration?
    private var touchedPeers: [PeerConnection] = []
    private var touchedRooms: [RoomHost] = []
    /// Peers to run (MediaLoop+Drive.swift): one list, so a peer's outputs that give other
    /// peers work (a chat line relayed to every member) never recurse.
    var driveQueue: [PeerConnection] = []
    var isDriving = false
    private var timer: Scheduled<Void>?
    private(set) var armedDeadline: Duration?
    var unknownSourceLog = LogLimiter(interval: .seconds(10))

    init(index: Int, eventLoop: any EventLoop, certificate: DTLSCertificate, settings: MediaTransportConfiguration,
         logger: Logger, onSessionClosed: @escaping @Sendable (PeerSessionID, String) -> Void,
         onChatInput: @escaping @Sendable (DataChannelChatInput) -> Void = { _ in }) {
        self.index = index
        self.eventLoop = eventLoop
        self.certificate = certificate
        self.settings = settings
        var logger = logger
        logger[metadataKey: "loop"] = "\(index)"
        self.logger = logger
        self.onSessionClosed = onSessionClosed
        self.onChatInput = onChatInput
        egress = EgressPath(peers: peers, allocator: ByteBufferAllocator(), slabCapacity: settings.egressSlabBytes,
                            flushLimit: settings.egressFlushLimit)
        ingress = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 16)
        ingress.initializeMemory(as: UInt8.self, repeating: 0)
        rtcpScratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 16)
        rtcpScratch.initializeMemory(as: UInt8.self, repeating: 0)
        touchedPeers.reserveCapacity(64)
        touchedRooms.reserveCapacity(16)
    }

    deinit {
        ingress.deallocate()
        rtcpScratch.deallocate()
    }

    // MARK: socket

    /// Binds this loop's socket. No SO_REUSEADDR: on Linux it lets two UDP sockets share a
    /// port, and a second server on our port must fail loudly instead of stealing datagrams.
    func bind(host: String, port requested: Int) async throws -> Int {
        let batch = settings.receiveBatch
        let listener = MediaListener(loop: self)
        let channel = try await DatagramBootstrap(group: eventLoop)
            .channelOption(.datagramVectorReadMessageCount, value: batch)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: batch * 2048))
            .channelOption(.socketOption(.so_rcvbuf), value: settings.socketBufferBytes)
            .channelOption(.socketOption(.so_sndbuf), value: settings.socketBufferBytes)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(listener)
                }
            }
            .bind(host: host, port: requested).get()
        let bound = channel.localAddress?.port ?? requested
        try await eventLoop.submit {
            self.channel = channel
            self.port = bound
        }.get()
        return bound
    }

    /// Ends every session, stops the timer and closes the socket.
    func shutdown() async {
        let channel: (any Channel)? = try? await eventLoop.submit { () -> (any Channel)? in
            for peer in Array(self.peers.all) { self.close(peer, reason: "server shutting down") }
            self.timer?.cancel()
            self.timer = nil
            self.armedDeadline = nil
            self.egress.flush()
            defer { self.channel = nil }
            return self.channel
        }.get()
        let tcp: (any Channel)? = try? await eventLoop.submit { () -> (any Channel)? in
            defer { self.tcpListener = nil }
            for link in Array(self.egress.tcpLinks.values) { link.close() }
            return self.tcpListener
        }.get()
        try? await tcp?.close()
        try? await channel?.close()
    }

    // MARK: time

    /// Monotonic time since boot; every core on every loop uses the same origin.
    static func now() -> Duration { .nanoseconds(Int64(NIODeadline.now().uptimeNanoseconds)) }

    /// The same clock as `now()`, as a plain count for the forwarding-delay histogram.
    static func monotonicNanoseconds() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

    var currentTime: Duration {
        if let batchTime { return batchTime }
        let now = Self.now()
        batchTime = now
        egress.now = now
        return now
    }

    // MARK: batches

    /// Runs control-plane work as its own batch: fresh time, then events, timer and one flush.
    func control<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        batchTime = nil
        defer { finishBatch() }
        return try body()
    }

    /// Marks a peer whose deadlines may have moved during this batch.
    func touch(_ peer: PeerConnection) {
        guard !peer.isTouched else { return }
        peer.isTouched = true
        touchedPeers.append(peer)
    }

    func touch(_ room: RoomHost) {
        guard !room.isTouched else { return }
        room.isTouched = true
        touchedRooms.append(room)
    }

    /// End of a read batch (or of timer or control work): room events, the timer, one flush.
    func finishBatch() {
        for room in touchedRooms {
            room.isTouched = false
            drainEvents(of: room)
            if let deadline = room.room.nextDeadline { arm(at: deadline) }
        }
        touchedRooms.removeAll(keepingCapacity: true)
        for peer in touchedPeers {
            peer.isTouched = false
            if let deadline = peer.nextDeadline { arm(at: deadline) }
        }
        touchedPeers.removeAll(keepingCapacity: true)
        if let release = egress.nextPacedRelease { arm(at: release) }
        egress.flush()
        egress.ingressNanoseconds = 0  // what timers send later was not forwarded from this batch
        batchTime = nil
    }

    // MARK: timer

    /// Arms the loop's one timer at `deadline` unless it already fires earlier.
    func arm(at deadline: Duration) {
        if let armed = armedDeadline, armed <= deadline { return }
        timer?.cancel()
        armedDeadline = deadline
        let nanos = max(0, deadline / .nanoseconds(1))
        timer = eventLoop.scheduleTask(deadline: .uptimeNanoseconds(UInt64(nanos))) { [self] in
            self.fire()
        }
    }

    /// Runs everything due, then re-arms at the earliest remaining deadline.
    private func fire() {
        timer = nil
        armedDeadline = nil
        batchTime = nil
        let now = currentTime
        if let release = egress.nextPacedRelease, release <= now { egress.releasePaced() }
        for peer in Array(peers.all) where !peer.isClosed {
            if let deadline = peer.nextDeadline, deadline <= now { handleTimeout(of: peer, at: now) }
        }
        for room in rooms.values {
            if let deadline = room.room.nextDeadline, deadline <= now {
                room.room.handleTimeout(at: now)
                touch(room)
            }
        }
        let earliest = earliestDeadline
        finishBatch()
        if let earliest { arm(at: max(earliest, now + .milliseconds(1))) }
    }

    /// The earliest deadline of every peer and room on the loop.
    private var earliestDeadline: Duration? {
        var earliest: Duration?
        for peer in peers.all { if let d = peer.nextDeadline { earliest = min(earliest ?? d, d) } }
        for room in rooms.values { if let d = room.room.nextDeadline { earliest = min(earliest ?? d, d) } }
        if let d = egress.nextPacedRelease { earliest = min(earliest ?? d, d) }
        return earliest
    }

    /// Re-arms from scratch (after sessions went away, so no timer outlives what it was for).
    func rearm() {
        timer?.cancel()
        timer = nil
        armedDeadline = nil
        if let earliest = earliestDeadline { arm(at: earliest) }
    }

    // MARK: introspection (tests, metrics)

    struct Census: Sendable, Equatable {
        var peers: Int
        var routes: Int
        var ufrags: Int
        var rooms: Int
        var timerArmed: Bool
    }

    func census() -> Census {
        Census(peers: peers.count, routes: peers.router.addressCount, ufrags: peers.router.ufragCount, rooms: rooms.count,
               timerArmed: timer != nil)
    }

    func snapshot() -> DatagramCounters {
        var c = counters
        let e = egress.counters
        c.sent += e.sent
        c.egressNotReady += e.egressNotReady
        c.egressFailed += e.egressFailed
        c.paced += e.paced
        c.tcpFramesSent += e.tcpFramesSent
        c.tcpDropped += e.tcpDropped
        return c
    }

    func forwardDelays() -> ForwardDelayHistogram { egress.delays }
}

/// Logs at most once per interval, counting what it held back.
struct LogLimiter {
    let interval: Duration
    private var last: Duration?
    private(set) var suppressed = 0

    init(interval: Duration) { self.interval = interval }

    /// Whether to log now; when true, `suppressed` says how many were skipped since the last one.
    mutating func allow(at now: Duration) -> Bool {
        if let last, now - last < interval {
            suppressed += 1
            return false
        }
        last = now
        return true
    }

    mutating func resetSuppressed() { suppressed = 0 }
}
