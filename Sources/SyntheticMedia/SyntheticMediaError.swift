/// Why synthetic media could not be made or read.
public enum SyntheticMediaError: Error, Equatable, Sendable, CustomStringConvertible {
    /// libvpx or libopus refused a call; the library's own message.
    case codec(String)
    /// An RTP payload that is not VP8 as RFC 7741 frames it.
    case badPayload(String)

    public var description: String {
        switch self {
        case .codec(let message): "codec: \(message)"
        case .badPayload(let reason): "bad VP8 payload: \(reason)"
        }
    }
}
