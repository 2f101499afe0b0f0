/// Audio or video: decides whether forwarding waits for keyframes and keeps a keyframe cache.
public enum MediaKind: Sendable, Equatable, Hashable {
    case audio
    case video
}
