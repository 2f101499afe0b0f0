// Groups packets into bursts and gives the send and arrival deltas between consecutive groups,
// as GoogCC does before its trendline: packets sent within `groupLength` of a group's first
// packet form one group (a video frame paced out is one group), and a packet that arrives in a
// burst right behind the group joins it too (the network released queued packets at once, which
// says nothing about the send rate). It does not look at sizes beyond summing them, nor judge
// the deltas.
//
// Both clocks are only ever subtracted from themselves: the send clock (ours, or the publisher's
// abs-send-time) and the arrival clock (the receiver's, with any offset) never meet. A jump of
// the arrival clock against the send clock (≥ `clockJumpThreshold`) or persistent reordering
// resets the state instead of feeding a nonsense delta downstream.

public struct InterArrivalGrouping: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// A group spans at most this much send time.
        public var groupLength: Duration = .milliseconds(5)
        /// A packet arriving within this of the group's last arrival, earlier than its send
        /// spacing would predict, belongs to the group's burst.
        public var burstDelta: Duration = .milliseconds(5)
        /// A burst lasts at most this long (arrival time).
        public var maxBurstDuration: Duration = .milliseconds(100)
        /// |arrival delta - send delta| at least this large is a clock jump, not a queue.
        public var clockJumpThreshold: Duration = .seconds(3)
        /// After this many groups in a row arrive before their predecessor, start over.
        public var reorderedResetCount = 3

        public init() {}
    }

    /// The difference between one completed group and the one before it.
    public struct Delta: Sendable, Equatable {
        /// Last send time of the group minus that of the previous group.
        public var sendDelta: Duration
        /// Last arrival of the group minus that of the previous group.
        public var arrivalDelta: Duration
        /// Bytes in the group minus bytes in the previous group.
        public var sizeDelta: Int
        /// Arrival time of the packet that closed the group (the trendline's x axis).
        public var arrival: Duration
    }

    private struct Group: Sendable {
        var firstSend: Duration
        var lastSend: Duration
        var firstArrival: Duration
        var lastArrival: Duration
        var size: Int
    }

    public let configuration: Configuration
    private var current: Group?
    private var previous: Group?
    private var reorderedInARow = 0
    /// Resets caused by clock jumps or reordering (hostile or broken feedback shows here).
    public private(set) var resets = 0

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Adds one packet; returns the delta between the two groups before it when this packet
    /// starts a new group.
    public mutating func onPacket(sendTime: Duration, arrival: Duration, size: Int) -> Delta? {
        let size = Swift.max(0, size)
        guard var group = current else {
            current = Group(firstSend: sendTime, lastSend: sendTime, firstArrival: arrival, lastArrival: arrival,
                            size: size)
            return nil
        }
        // Sent before the group began: reordered in the network; its timing says nothing new.
        guard sendTime >= group.firstSend else { return nil }

        if !startsNewGroup(group, sendTime: sendTime, arrival: arrival) {
            group.lastSend = Swift.max(group.lastSend, sendTime)
            group.lastArrival = arrival
            group.size = group.size &+ size
            current = group
            return nil
        }

        var delta: Delta?
        if let previous {
            let sendDelta = group.lastSend - previous.lastSend
            let arrivalDelta = group.lastArrival - previous.lastArrival
            let skew = arrivalDelta - sendDelta
            if skew >= configuration.clockJumpThreshold || skew <= .zero - configuration.clockJumpThreshold {
                reset()
                return nil
            }
            if arrivalDelta < .zero {
                // The closed group arrived before the previous one: keep waiting for a group
                // that arrives in order, and give up on the history if that keeps happening.
                reorderedInARow += 1
                if reorderedInARow >= configuration.reorderedResetCount { reset() }
                return nil
            }
            reorderedInARow = 0
            delta = Delta(sendDelta: sendDelta, arrivalDelta: arrivalDelta, sizeDelta: group.size &- previous.size,
                          arrival: arrival)
        }
        previous = group
        current = Group(firstSend: sendTime, lastSend: sendTime, firstArrival: arrival, lastArrival: arrival,
                        size: size)
        return delta
    }

    private func startsNewGroup(_ group: Group, sendTime: Duration, arrival: Duration) -> Bool {
        if belongsToBurst(group, sendTime: sendTime, arrival: arrival) { return false }
        return sendTime - group.firstSend > configuration.groupLength
    }

    private func belongsToBurst(_ group: Group, sendTime: Duration, arrival: Duration) -> Bool {
        let arrivalDelta = arrival - group.lastArrival
        let sendDelta = sendTime - group.lastSend
        if sendDelta == .zero { return true }
        let propagationDelta = arrivalDelta - sendDelta
        return propagationDelta < .zero && arrivalDelta <= configuration.burstDelta
            && arrival - group.firstArrival < configuration.maxBurstDuration
    }

    /// Forgets both groups; the next packet starts afresh.
    public mutating func reset() {
        current = nil
        previous = nil
        reorderedInARow = 0
        resets &+= 1
    }
}
