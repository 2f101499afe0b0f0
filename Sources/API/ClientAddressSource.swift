import Hummingbird
import NIOCore

/// Where the client's IP address (the per-IP rate-limit key) comes from.
public enum ClientAddressSource: Sendable, Equatable {
    /// The TCP peer, from a request context conforming to `RemoteAddressRequestContext`
    /// (Hummingbird's `BasicRequestContext` and `BasicWebSocketRequestContext` do not: without
    /// it every client shares one `"unknown"` bucket).
    case connection
    /// The last address in `X-Forwarded-For` (the one our own proxy appended), falling back to
    /// the TCP peer. Only behind a proxy that sets the header: otherwise clients pick their key.
    case forwardedFor

    static let unknown = "unknown"

    func address(of request: Request, context: some RequestContext) -> String {
        if self == .forwardedFor,
           let header = request.headers.last(where: { $0.name.canonicalName == "x-forwarded-for" })?.value,
           let last = header.split(separator: ",").last {
            let candidate = last.filter { $0 != " " && $0 != "\t" }
            if !candidate.isEmpty, candidate.utf8.count <= 64 { return String(candidate) }
        }
        if let peer = (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress {
            return peer
        }
        return Self.unknown
    }

    /// The rate-limit key of an address: IPv6 clients usually own a whole /64, so they are
    /// limited per /64; IPv4 (and anything unparsable) per address.
    static func rateLimitKey(for address: String) -> String {
        guard address.contains(":"), let prefix = IPv6Prefix.first64Bits(of: address) else { return address }
        return prefix + "::/64"
    }
}
