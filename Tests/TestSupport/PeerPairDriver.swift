// Two sans-I/O peers joined by a simulated link, moved forward in virtual time: the driver
// delivers datagrams (after the link's latency, minus what it drops) and fires timers, one event
// at a time, always the earliest. Handshakes and loss scenarios run in milliseconds of wall time.

/// A sans-I/O endpoint as the driver sees it. Test adapters wrap a protocol core in this and keep
/// its other outputs (events, data) for the test to inspect.
public protocol DatagramPeer: AnyObject {
    func receive(_ datagram: [UInt8], at now: Duration)
    func fireTimeout(at now: Duration)
    /// When `fireTimeout` should next run; nil when no timer is armed.
    var deadline: Duration? { get }
    /// Datagrams produced since the last call.
    func takeDatagrams() -> [[UInt8]]
}

public enum LinkDirection: Sendable, Equatable {
    case aToB, bToA
}

/// One datagram offered to the link; `ordinal` counts datagrams per direction from 0.
public struct LinkDatagram: Sendable {
    public let direction: LinkDirection
    public let ordinal: Int
    public let bytes: [UInt8]
}

/// Latency plus loss: a seeded random loss rate and an optional deterministic drop rule
/// (e.g. "the second datagram from B"). Counts what it did.
public struct LossyLink: Sendable {
    public var latency: Duration
    public var lossRate: Double
    public var dropRule: @Sendable (LinkDatagram) -> Bool
    public private(set) var delivered = 0
    public private(set) var dropped = 0
    private var rng: SeededGenerator

    public init(latency: Duration = .milliseconds(10), lossRate: Double = 0, seed: UInt64 = 0x11AC,
                dropRule: @escaping @Sendable (LinkDatagram) -> Bool = { _ in false }) {
        self.latency = latency
        self.lossRate = lossRate
        self.dropRule = dropRule
        self.rng = SeededGenerator(seed: seed)
    }

    /// Whether this datagram gets through.
    public mutating func passes(_ datagram: LinkDatagram) -> Bool {
        let randomLoss = lossRate > 0 && Double(rng.next() >> 11) / Double(1 << 53) < lossRate
        if randomLoss || dropRule(datagram) {
            dropped += 1
            return false
        }
        delivered += 1
        return true
    }
}

public final class PeerPairDriver<A: DatagramPeer, B: DatagramPeer> {
    public let a: A
    public let b: B
    public var link: LossyLink
    public private(set) var clock: VirtualClock
    /// Every datagram offered to the link, in order, dropped or not.
    public private(set) var offered: [LinkDatagram] = []

    private struct InFlight {
        let deliverAt: Duration
        let order: Int
        let direction: LinkDirection
        let bytes: [UInt8]
    }
    private var inFlight: [InFlight] = []
    private var sentAToB = 0
    private var sentBToA = 0

    public init(a: A, b: B, link: LossyLink = LossyLink(), clock: VirtualClock = VirtualClock()) {
        self.a = a
        self.b = b
        self.link = link
        self.clock = clock
    }

    public var now: Duration { clock.now }

    /// Hands a datagram to a peer directly, bypassing the link (for injecting hostile input).
    public func inject(_ datagram: [UInt8], into direction: LinkDirection) {
        if direction == .aToB { b.receive(datagram, at: clock.now) } else { a.receive(datagram, at: clock.now) }
        collect()
    }

    /// Runs the earliest pending event (a delivery or a timer). Returns false when none is left.
    @discardableResult
    public func step() -> Bool {
        collect()
        let nextDelivery = inFlight.min { ($0.deliverAt, $0.order) < ($1.deliverAt, $1.order) }
        let nextTimer = [a.deadline, b.deadline].compactMap { $0 }.min()
        let candidates = [nextDelivery?.deliverAt, nextTimer].compactMap { $0 }
        guard let next = candidates.min() else { return false }
        if next > clock.now { clock.advance(to: next) }
        if let delivery = nextDelivery, delivery.deliverAt <= clock.now {
            inFlight.removeAll { $0.order == delivery.order }
            if delivery.direction == .aToB {
                b.receive(delivery.bytes, at: clock.now)
            } else {
                a.receive(delivery.bytes, at: clock.now)
            }
        } else {
            if let deadline = a.deadline, deadline <= clock.now { a.fireTimeout(at: clock.now) }
            if let deadline = b.deadline, deadline <= clock.now { b.fireTimeout(at: clock.now) }
        }
        collect()
        return true
    }

    /// Steps until `condition` holds (true), nothing is left to do, `maxSteps` run out, or
    /// virtual time passes `timeLimit` after the start of the call (false).
    @discardableResult
    public func run(until condition: () -> Bool, maxSteps: Int = 10_000,
                    timeLimit: Duration = .seconds(120)) -> Bool {
        let end = clock.now + timeLimit
        for _ in 0..<maxSteps {
            collect()
            if condition() { return true }
            guard clock.now <= end, step() else { return condition() }
        }
        return condition()
    }

    /// Moves every datagram the peers produced onto the link.
    private func collect() {
        for datagram in a.takeDatagrams() { offer(datagram, .aToB) }
        for datagram in b.takeDatagrams() { offer(datagram, .bToA) }
    }

    private func offer(_ bytes: [UInt8], _ direction: LinkDirection) {
        let ordinal: Int
        if direction == .aToB {
            ordinal = sentAToB
            sentAToB += 1
        } else {
            ordinal = sentBToA
            sentBToA += 1
        }
        let datagram = LinkDatagram(direction: direction, ordinal: ordinal, bytes: bytes)
        offered.append(datagram)
        guard link.passes(datagram) else { return }
        inFlight.append(InFlight(deliverAt: clock.now + link.latency, order: offered.count, direction: direction, bytes: bytes))
    }
}
