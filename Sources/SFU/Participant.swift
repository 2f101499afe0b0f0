/// One member of a room: the tracks it publishes (its children) with an SSRC routing table for
/// its incoming packets, the subscriptions it receives (indexed by the SSRC it sees, to route its
/// feedback), its round-trip-time estimate and its receiver-report schedule.
public final class Participant {
    /// Where an incoming SSRC goes.
    struct Route {
        let track: PublishedTrack
        let isRTX: Bool
    }

    public let id: ParticipantID
    public let options: ParticipantOptions
    /// Published tracks, in publish order.
    public private(set) var tracks: [PublishedTrack] = []
    private(set) var routes: [UInt32: Route] = [:]
    /// Subscriptions this participant receives, by track.
    private(set) var subscriptionsByTrack: [TrackID: Subscription] = [:]
    /// The same subscriptions by the SSRCs this participant sees (media and RTX).
    private(set) var subscriptionsBySSRC: [UInt32: Subscription] = [:]
    /// Smoothed round-trip time (RFC 6298-style 1/8 gain), from RR blocks answering our SRs.
    public internal(set) var roundTripTime: Duration
    var reportGenerator: ReceiverReportGenerator
    /// The bandwidth the transport estimates towards this participant (as a viewer); nil until
    /// its congestion feedback says, and then the room allocates it across what it receives.
    public internal(set) var availableBitrate: UInt64?
    var lastAllocationAt: Duration?
    /// What the last allocation would have used with unlimited bandwidth (audio, and every video
    /// at the best layer it allows): what probing may aim for.
    public internal(set) var wantedBitrate: UInt64?
    var allocator = BitrateAllocator()
    /// Kinds of rejected input already reported as an event.
    var reportedRejections: UInt8 = 0
    /// SSRCs a track was moved away from: never bound again by MID, so the last packets of an
    /// old source still in flight cannot flip the track back.
    private var retiredSSRCs: [UInt32] = Array(repeating: 0, count: 8)
    private var retiredCount = 0

    init(id: ParticipantID, options: ParticipantOptions, configuration: RoomConfiguration) {
        self.id = id
        self.options = options
        roundTripTime = configuration.initialRoundTripTime
        reportGenerator = ReceiverReportGenerator(interval: configuration.receiverReportInterval)
        routes.reserveCapacity(8)
    }

    /// The subscriptions this participant receives (order unspecified).
    public var subscriptions: [Subscription] { Array(subscriptionsByTrack.values) }

    func track(_ id: TrackID) -> PublishedTrack? { tracks.first { $0.id == id } }

    func route(for ssrc: UInt32) -> Route? { routes[ssrc] }

    func subscription(forSSRC ssrc: UInt32) -> Subscription? { subscriptionsBySSRC[ssrc] }

    func subscription(to track: TrackID) -> Subscription? { subscriptionsByTrack[track] }

    func isSSRCInUse(_ ssrc: UInt32) -> Bool { routes[ssrc] != nil }

    func add(_ track: PublishedTrack) {
        tracks.append(track)
        routes[track.descriptor.ssrc] = Route(track: track, isRTX: false)
        if let rtx = track.descriptor.rtxSSRC { routes[rtx] = Route(track: track, isRTX: true) }
    }

    func remove(_ track: PublishedTrack) {
        tracks.removeAll { $0 === track }
        routes = routes.filter { $0.value.track !== track }
        if tracks.isEmpty { reportGenerator.stop() }
    }

    /// Points `ssrc` at `track` (as media or RTX), dropping whatever route the track had for that role.
    func reroute(_ track: PublishedTrack, ssrc: UInt32, isRTX: Bool) {
        for (old, route) in routes where route.track === track && route.isRTX == isRTX && old != ssrc {
            retiredSSRCs[retiredCount % retiredSSRCs.count] = old
            retiredCount += 1
        }
        routes = routes.filter { !($0.value.track === track && $0.value.isRTX == isRTX) }
        routes[ssrc] = Route(track: track, isRTX: isRTX)
    }

    /// Whether a track was moved away from `ssrc` recently.
    func isRetired(_ ssrc: UInt32) -> Bool {
        retiredSSRCs.prefix(min(retiredCount, retiredSSRCs.count)).contains(ssrc)
    }

    func add(_ subscription: Subscription) {
        subscriptionsByTrack[subscription.trackID] = subscription
        subscriptionsBySSRC[subscription.parameters.ssrc] = subscription
        if let rtx = subscription.parameters.rtxSSRC { subscriptionsBySSRC[rtx] = subscription }
    }

    func remove(_ subscription: Subscription) {
        subscriptionsByTrack[subscription.trackID] = nil
        subscriptionsBySSRC[subscription.parameters.ssrc] = nil
        if let rtx = subscription.parameters.rtxSSRC { subscriptionsBySSRC[rtx] = nil }
    }

    /// Whether `ssrc` is free for a new subscription towards this participant.
    func isSubscriptionSSRCFree(_ ssrc: UInt32) -> Bool { subscriptionsBySSRC[ssrc] == nil }

    /// Folds a new round-trip sample into the estimate.
    func updateRoundTripTime(_ sample: Duration) {
        roundTripTime = roundTripTime * 7 / 8 + sample / 8
    }

    /// Bytes of retransmissions this viewer may still get now (a token bucket refilled at a share
    /// of its available bitrate): a lossy link must not be flooded with repairs.
    var retransmissionTokens = 0.0
    var retransmissionRefilledAt: Duration?

    /// Takes `bytes` from the retransmission budget; true when they fit. Unlimited while the
    /// viewer has no estimate.
    func spendRetransmission(_ bytes: Int, share: Double, burst: Duration, at now: Duration) -> Bool {
        guard let available = availableBitrate else { return true }
        let rate = Double(available) / 8 * share  // bytes per second
        let capacity = rate * Double(burst / .seconds(1))
        if let last = retransmissionRefilledAt, now > last {
            retransmissionTokens = min(capacity, retransmissionTokens + rate * Double((now - last) / .seconds(1)))
        } else if retransmissionRefilledAt == nil {
            retransmissionTokens = capacity
        }
        retransmissionRefilledAt = now
        guard retransmissionTokens >= Double(bytes) else { return false }
        retransmissionTokens -= Double(bytes)
        return true
    }

    /// When the allocation is due again without news from the estimator.
    func allocationDeadline(refresh: Duration) -> Duration? {
        guard availableBitrate != nil, !subscriptionsByTrack.isEmpty else { return nil }
        return (lastAllocationAt ?? .zero) + refresh
    }

    /// Whether a rejection of this kind is the first from this participant (then marks it).
    func isFirstRejection(_ rejection: InputRejection) -> Bool {
        let bit = UInt8(1) << rejection.kindIndex
        defer { reportedRejections |= bit }
        return reportedRejections & bit == 0
    }
}
