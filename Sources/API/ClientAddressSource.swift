import Hummingbird
import NIOCore

/// Where the client's IP address (the per-IP rate-limit key) comes from.
public enum ClientAddressSource: Sendable, Equatable {
    /// The TCP peer, from a request context conforming to `RemoteAddressRequestContext`
    /// (Hummingbird's `BasicRequestContext` and `BasicWebSocketRequestContext` do not: without
    /// it every client shares one `"unknown"` bucket).
    case connection
    /// When the TCP peer is one of `TrustedProxies`: the right-most address in
    /// `X-Forwarded-For` that is not a trusted proxy (each proxy appends the address it got the
    /// request from); else the TCP peer. From an untrusted peer the header changes nothing.
    case forwardedFor(TrustedProxies)

    static let unknown = "unknown"

    func address(of request: Request, context: some RequestContext) -> String {
        let peer = (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress
        guard case .forwardedFor(let proxies) = self else { return peer ?? Self.unknown }
        let entries = request.headers.filter { $0.name.canonicalName == "x-forwarded-for" }.flatMap { $0.value.split(separator: ",") }
        return Self.client(peer: peer, forwardedFor: entries, trusting: proxies)
    }

    /// The client behind a chain of proxies: the TCP peer unless it is trusted, then walking the
    /// header's entries from the right while they are trusted proxies.
    static func client(peer: String?, forwardedFor entries: [Substring], trusting proxies: TrustedProxies) -> String {
        var client = peer ?? unknown
        guard proxies.contains(client) else { return client }
        for entry in entries.reversed() {
            let candidate = entry.filter { $0 != " " && $0 != "\t" }
            // Not an address: the chain is broken here, and what lies beyond it is unknowable.
            guard candidate.utf8.count <= 64, TrustedProxies.bytes(of: String(candidate)) != nil else { break }
            client = String(candidate)
            if !proxies.contains(client) { break }
        }
        return client
    }

    /// The rate-limit key of an address: IPv6 clients usually own a whole /64, so they are
    /// limited per /64; IPv4 (and anything unparsable) per address.
    static func rateLimitKey(for address: String) -> String {
        // Bytes: `contains(":")` on the String matched Characters, a visible cost per request.
        guard address.utf8.contains(UInt8(ascii: ":")), let prefix = IPv6Prefix.first64Bits(of: address) else {
            return address
        }
        return prefix + "::/64"
    }
}
