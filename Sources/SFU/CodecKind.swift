/// The codecs the forwarder understands well enough to find keyframes and rewrite picture ids.
public enum CodecKind: Sendable, Equatable, Hashable {
    case opus
    case vp8
    case h264

    /// The kind of media the codec carries.
    public var mediaKind: MediaKind {
        switch self {
        case .opus: .audio
        case .vp8, .h264: .video
        }
    }

    /// The RTP clock rate WebRTC uses for the codec (RFC 7587: 48 kHz for Opus; 90 kHz for video).
    public var defaultClockRate: UInt32 {
        switch self {
        case .opus: 48_000
        case .vp8, .h264: 90_000
        }
    }
}
