/// Why synthetic media could not be made or read.
public enum SyntheticMediaError: Error, Equatable, Sendable, CustomStringConvertible {
    /// libvpx or libopus refused a call; the library's own message.
    case codec(String)
    /// An RTP payload that is not what its codec's RTP format says (VP8 per RFC 7741, Opus per
    /// RFC 7587).
    case badPayload(String)
    /// A setting the codec or the frame stamp cannot take (a layer too small, a channel count).
    case unsupported(String)

    public var description: String {
        switch self {
        case .codec(let message): "codec: \(message)"
        case .badPayload(let reason): "bad payload: \(reason)"
        case .unsupported(let reason): "unsupported: \(reason)"
        }
    }
}
