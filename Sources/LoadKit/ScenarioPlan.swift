/// When each peer of a run joins and leaves, as a pure function of the scenario: publishers first
/// (host, then guests, room by room), then viewers, spread at `rampPerSecond` (all at once when
/// nil); after the ramp, churn takes `churnPerSecond` viewers out each second (the longest
/// watching first, round-robin over rooms) and brings as many new ones in, until `duration` minus
/// the last second and a half (a viewer that joins later cannot show a figure). Bounded: at most
/// `maxChurnJoins` churn joins in all.
public struct ScenarioPlan: Sendable, Equatable {
    public struct Shape: Sendable, Equatable {
        public var rooms: Int
        public var hosts: Bool
        public var guests: Int
        public var viewers: Int
        public var duration: Double
        public var rampPerSecond: Double?
        public var churnPerSecond: Double
        public var maxChurnJoins: Int

        public init(rooms: Int, hosts: Bool = true, guests: Int, viewers: Int, duration: Double,
                    rampPerSecond: Double? = nil, churnPerSecond: Double = 0, maxChurnJoins: Int = 10_000) {
            self.rooms = rooms
            self.hosts = hosts
            self.guests = guests
            self.viewers = viewers
            self.duration = duration
            self.rampPerSecond = rampPerSecond
            self.churnPerSecond = churnPerSecond
            self.maxChurnJoins = maxChurnJoins
        }

        public var publishersPerRoom: Int { (hosts ? 1 : 0) + guests }
        public var peers: Int { rooms * (publishersPerRoom + viewers) }
    }

    public enum Role: String, Sendable, Equatable, Codable { case host, guest, viewer }

    public struct Step: Sendable, Equatable {
        public enum Action: Sendable, Equatable {
            /// `slot` numbers the peer within its room and role (guest 0, viewer 17); churn joins
            /// get slots from `viewers` up.
            case join(room: Int, role: Role, slot: Int)
            case leave(room: Int, slot: Int)
        }

        /// Seconds after the start.
        public var at: Double
        public var action: Action
    }

    public let shape: Shape
    public let steps: [Step]

    public init(_ shape: Shape) {
        self.shape = shape
        var steps: [Step] = []
        var order = 0
        func next() -> Double {
            defer { order += 1 }
            guard let rate = shape.rampPerSecond, rate > 0 else { return 0 }
            return Double(order) / rate
        }
        for room in 0..<shape.rooms {
            if shape.hosts { steps.append(Step(at: next(), action: .join(room: room, role: .host, slot: 0))) }
            for guest in 0..<shape.guests { steps.append(Step(at: next(), action: .join(room: room, role: .guest, slot: guest))) }
        }
        // Viewers round-robin over rooms, so every room fills at the same pace.
        for slot in 0..<shape.viewers {
            for room in 0..<shape.rooms { steps.append(Step(at: next(), action: .join(room: room, role: .viewer, slot: slot))) }
        }
        let rampEnd = steps.last?.at ?? 0
        if shape.churnPerSecond > 0, shape.viewers > 0 {
            var watching = (0..<shape.rooms).map { _ in Array(0..<shape.viewers) }
            var nextSlot = Array(repeating: shape.viewers, count: shape.rooms)
            let interval = 1 / shape.churnPerSecond
            var t = rampEnd + 1
            var joins = 0
            var room = 0
            while t <= shape.duration - 1.5, joins < shape.maxChurnJoins {
                if !watching[room].isEmpty {
                    let leaving = watching[room].removeFirst()
                    steps.append(Step(at: t, action: .leave(room: room, slot: leaving)))
                    steps.append(Step(at: t, action: .join(room: room, role: .viewer, slot: nextSlot[room])))
                    watching[room].append(nextSlot[room])
                    nextSlot[room] += 1
                    joins += 1
                }
                room = (room + 1) % shape.rooms
                t += interval
            }
        }
        self.steps = steps
    }

    /// Viewer slots a room uses over the whole run (its first viewers and every churn join).
    public func viewerSlots(room: Int) -> Int {
        steps.reduce(0) { count, step in
            if case .join(room, .viewer, _) = step.action { count + 1 } else { count }
        }
    }

    public var churnJoins: Int {
        steps.filter { if case .leave = $0.action { true } else { false } }.count
    }
}
