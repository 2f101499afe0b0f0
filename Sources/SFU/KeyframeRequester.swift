import RTP

/// Asks a publisher for a keyframe on behalf of every viewer of a track, at most once per
/// `minimumInterval` (500 ms by default): viewers' PLIs and FIRs, new viewers and restarts all
/// come here, and a burst of them costs the publisher one keyframe, not one per viewer.
///
/// A request inside the throttle window is remembered and sent when the window ends (the
/// `nextDeadline`), unless a keyframe arrives first. FIR (RFC 5104) carries a command sequence
/// number, incremented for each new request so the publisher does not take it for a repeat.
public struct KeyframeRequester: Sendable, Equatable {
    /// One request to send upstream.
    public enum Request: Sendable, Equatable {
        case pli
        case fir(sequenceNumber: UInt8)
    }

    public let method: TrackDescriptor.KeyframeRequestMethod
    public var minimumInterval: Duration
    public private(set) var isPending = false
    private var lastSentAt: Duration?
    private var firSequenceNumber: UInt8 = 0
    /// Requests sent upstream.
    public private(set) var sent = 0
    /// Requests folded into one already sent or pending.
    public private(set) var throttled = 0

    public init(method: TrackDescriptor.KeyframeRequestMethod = .pli, minimumInterval: Duration = .milliseconds(500)) {
        self.method = method
        self.minimumInterval = minimumInterval
    }

    /// When a pending request will be sent; nil when none is pending.
    public var nextDeadline: Duration? {
        guard isPending else { return nil }
        return (lastSentAt ?? .zero) + minimumInterval
    }

    /// Asks for a keyframe at `now`: the request to send now, or nil when throttled (then pending).
    public mutating func request(at now: Duration) -> Request? {
        if let lastSentAt, now - lastSentAt < minimumInterval {
            throttled += 1
            isPending = true
            return nil
        }
        return send(at: now)
    }

    /// Sends the pending request when its window has ended.
    public mutating func handleTimeout(at now: Duration) -> Request? {
        guard let deadline = nextDeadline, deadline <= now else { return nil }
        return send(at: now)
    }

    /// A keyframe arrived: whatever was pending has its answer.
    public mutating func keyframeArrived() {
        isPending = false
    }

    private mutating func send(at now: Duration) -> Request {
        lastSentAt = now
        isPending = false
        sent += 1
        switch method {
        case .pli:
            return .pli
        case .fir:
            defer { firSequenceNumber &+= 1 }
            return .fir(sequenceNumber: firSequenceNumber)
        }
    }

    /// The RTCP packet for `request`, from `senderSSRC` about the publisher's `mediaSSRC`.
    public static func packet(for request: Request, senderSSRC: UInt32, mediaSSRC: UInt32) -> RTCPPacket {
        switch request {
        case .pli:
            .pictureLossIndication(PictureLossIndication(senderSSRC: senderSSRC, mediaSSRC: mediaSSRC))
        case .fir(let sequenceNumber):
            .fullIntraRequest(FullIntraRequest(senderSSRC: senderSSRC, mediaSSRC: 0,
                                               entries: [.init(ssrc: mediaSSRC, sequenceNumber: sequenceNumber)]))
        }
    }
}
