/// Sizes and timings of a room. Every buffer is sized from these when a track or subscription
/// is created; nothing grows per packet.
public struct RoomConfiguration: Sendable, Equatable {
    /// Largest plaintext RTP packet accepted (and the size of every cache slot).
    public var maxPacketSize = 1500
    /// Packets cached per video track for NACK answers and replay (power of two).
    public var videoPacketCacheCapacity = 512
    /// Packets cached per audio track.
    public var audioPacketCacheCapacity = 128
    /// Packets of one keyframe the keyframe cache can hold.
    public var keyframeCachePackets = 128
    /// Output packets each subscription remembers for answering NACKs.
    public var forwarderHistoryCapacity = 512
    public var nack = NackGenerator.Configuration()
    /// Minimum spacing of keyframe requests to one publisher track.
    public var keyframeRequestInterval: Duration = .milliseconds(500)
    /// A new viewer is started from the cached keyframe (and the packets after it) only while
    /// that keyframe is younger than this; an older one would replay seconds of stale frames in a
    /// burst, so the viewer waits for the fresh keyframe it requests instead.
    public var keyframeReplayMaxAge: Duration = .milliseconds(1000)
    public var receiverReportInterval: Duration = .seconds(1)
    /// Round-trip time assumed until reports measure one.
    public var initialRoundTripTime: Duration = .milliseconds(100)
    /// A NACKed packet is resent at most once per max(this, RTT/2).
    public var minimumRetransmissionSpacing: Duration = .milliseconds(10)
    /// Events kept for `pollEvent` at most; older ones are dropped (and counted) beyond it.
    public var maxPendingEvents = 1024
    /// How often a viewer's bandwidth is shared out again across its tracks while its estimate
    /// keeps arriving (at most), and at least (so hysteresis timers advance without feedback).
    public var allocationInterval: Duration = .milliseconds(100)
    public var allocationRefresh: Duration = .milliseconds(500)
    /// A layer with no packet for this long is not offered to the allocator (the publisher's
    /// encoder turned it off).
    public var layerIdleTimeout: Duration = .milliseconds(1500)
    public var layerSelector = LayerSelector.Configuration()
    /// Retransmissions to a viewer with an estimate use at most this share of it, with bursts of
    /// up to `retransmissionBurst` of that rate.
    public var retransmissionShare = 0.25
    public var retransmissionBurst: Duration = .milliseconds(500)
    /// Levels alone decide who speaks: aiortc and other senders write the level but never set
    /// the RFC 6464 voice-activity flag.
    public var activeSpeakers: ActiveSpeakerDetector.Configuration = {
        var configuration = ActiveSpeakerDetector.Configuration()
        configuration.trustsVoiceActivity = false
        return configuration
    }()

    public init() {}
}
