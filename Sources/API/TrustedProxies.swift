#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The proxies whose `X-Forwarded-For` the server believes: addresses and CIDR networks, IPv4
/// and IPv6 (`--trusted-proxies 10.0.0.0/8,::1`). A request's client is the right-most address
/// in the header that is not one of them, and only when the TCP peer is one of them; from any
/// other peer the header is the client's own claim and counts for nothing.
public struct TrustedProxies: Sendable, Equatable {
    struct Network: Sendable, Equatable {
        var bytes: [UInt8]
        var prefixLength: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var remaining = prefixLength
            for (a, b) in zip(address, bytes) where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if a & mask != b & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    private(set) var networks: [Network]
    private var trustsEveryone = false

    /// No proxy: the header never counts.
    public static let none = TrustedProxies(networks: [])
    /// Every peer is a proxy: only for a server that nothing reaches except through its proxy
    /// (and tests).
    public static let everyone: TrustedProxies = {
        var proxies = TrustedProxies(networks: [])
        proxies.trustsEveryone = true
        return proxies
    }()

    init(networks: [Network]) { self.networks = networks }

    /// Parses a comma-separated list of addresses and networks (`a.b.c.d`, `a.b.c.d/n`, IPv6
    /// likewise); the empty list is `none`.
    public init(parsing list: String) throws(TrustedProxiesError) {
        var networks: [Network] = []
        for item in list.split(separator: ",") {
            let text = item.trimmingCharacters(in: " \t")
            guard !text.isEmpty else { continue }
            let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let bytes = Self.bytes(of: String(parts[0])) else { throw .badEntry(String(text)) }
            var prefix = bytes.count * 8
            if parts.count == 2 {
                guard let n = Int(parts[1]), (0...bytes.count * 8).contains(n) else { throw .badEntry(String(text)) }
                prefix = n
            }
            networks.append(Network(bytes: bytes, prefixLength: prefix))
        }
        self.networks = networks
    }

    public var isEmpty: Bool { networks.isEmpty && !trustsEveryone }

    /// Whether the address (text, as NIO or a header gives it) is a trusted proxy.
    public func contains(_ address: String) -> Bool {
        if trustsEveryone { return true }
        guard let bytes = Self.bytes(of: address) else { return false }
        return networks.contains { $0.contains(bytes) }
    }

    /// The address's bytes: 4 for IPv4 (an IPv4-mapped IPv6 address too, so a dual-stack socket's
    /// peers match IPv4 entries), 16 for IPv6; nil for anything else.
    static func bytes(of text: String) -> [UInt8]? {
        var address = Substring(text)
        if let percent = address.firstIndex(of: "%") { address = address[..<percent] }
        guard !address.isEmpty, address.utf8.count <= 45 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, String(address), &v4) == 1 {
            return withUnsafeBytes(of: v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, String(address), &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF { return Array(bytes[12..<16]) }
        return bytes
    }
}

public enum TrustedProxiesError: Error, Equatable, CustomStringConvertible {
    case badEntry(String)

    public var description: String {
        switch self {
        case .badEntry(let text): "not an IP address or CIDR network: \(text)"
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        let skip = Set(set)
        var s = self
        while let c = s.first, skip.contains(c) { s = s.dropFirst() }
        while let c = s.last, skip.contains(c) { s = s.dropLast() }
        return s
    }
}
