import SyntheticPeers

/// Why a benchmark could not measure what it set out to.
enum ForwardBenchFailure: Error, CustomStringConvertible {
    case socket(String)
    case handshake(String)
    /// A synthetic peer did not connect.
    case peer(SyntheticPeerError)
    case service(String)
    case check(String)

    var description: String {
        switch self {
        case .socket(let s): "socket: \(s)"
        case .peer(let error): "peer: \(error)"
        case .handshake(let s): "handshake: \(s)"
        case .service(let s): "service: \(s)"
        case .check(let s): "check failed: \(s)"
        }
    }
}
