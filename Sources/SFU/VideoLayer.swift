/// One layer a publisher sends of a video track, as the allocator sees it: simulcast/SVC spatial
/// index (0 = smallest), temporal index (0 = base frame rate), resolution, and what forwarding it
/// costs right now.
///
/// `bitrate` is the measured rate of everything forwarding this layer sends: for temporal layer
/// `t` it includes temporal layers below `t` of the same spatial layer (and, for SVC, the spatial
/// layers it depends on). A layer measured at 0 is not flowing and is never chosen.
public struct VideoLayer: Sendable, Equatable, Hashable {
    public var spatial: Int
    public var temporal: Int
    public var width: Int
    public var height: Int
    /// Bits per second.
    public var bitrate: UInt64

    public init(spatial: Int, temporal: Int, width: Int, height: Int, bitrate: UInt64) {
        self.spatial = spatial
        self.temporal = temporal
        self.width = width
        self.height = height
        self.bitrate = bitrate
    }

    /// This layer as a choice.
    public var choice: LayerChoice { .layer(spatial: spatial, temporal: temporal) }
}
