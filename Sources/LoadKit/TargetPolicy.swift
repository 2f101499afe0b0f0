import Foundation

/// Where a load test may send: IPv4 loopback (127.0.0.0/8, `localhost`), or an address assigned
/// to an interface of a network namespace the operator names (`--allow-netns NAME`), read from
/// `ip -n NAME -j addr`. Anything else is refused: the tool sends hundreds of megabits on purpose,
/// and a typo must not aim that at someone else's machine.
public struct TargetPolicy: Sendable, Equatable {
    /// IPv4 addresses of the allowed namespaces, by namespace.
    public var namespaceAddresses: [String: [String]]

    public init(namespaceAddresses: [String: [String]] = [:]) {
        self.namespaceAddresses = namespaceAddresses
    }

    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        case notAURL(String)
        case notIPv4(String)
        case notAllowed(host: String, namespaces: [String])

        public var description: String {
            switch self {
            case .notAURL(let text): "\(text) is not an http:// URL with a host"
            case .notIPv4(let host): "\(host) is not an IPv4 address (the synthetic peers speak IPv4 only)"
            case let .notAllowed(host, namespaces):
                namespaces.isEmpty
                    ? "\(host) is not loopback; pass --allow-netns NAME for an address of a network namespace you created"
                    : "\(host) is neither loopback nor an address of namespace \(namespaces.joined(separator: ", "))"
            }
        }
    }

    /// The IPv4 address a target URL names, if the policy allows it (`localhost` is 127.0.0.1).
    public func check(url text: String) throws(Refusal) -> String {
        guard let url = URL(string: text), let scheme = url.scheme, scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else { throw .notAURL(text) }
        return try check(host: host)
    }

    public func check(host: String) throws(Refusal) -> String {
        let address = host == "localhost" ? "127.0.0.1" : host
        guard let octets = Self.ipv4(address) else { throw .notIPv4(host) }
        if octets[0] == 127 { return address }
        if namespaceAddresses.values.contains(where: { $0.contains(address) }) { return address }
        throw .notAllowed(host: host, namespaces: namespaceAddresses.keys.sorted())
    }

    /// Dotted-quad IPv4 only (no shorthand like `127.1`, no leading zeros read as octal).
    public static func ipv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  part.count == 1 || part.first != "0", let value = UInt8(part) else { return nil }
            octets.append(value)
        }
        return octets
    }

    /// The IPv4 addresses in `ip -j addr` output (a JSON array of interfaces with `addr_info`).
    /// Loopback addresses are left out: 127.0.0.1 inside a namespace is not reachable from here.
    public static func addresses(fromIPJSON data: Data) -> [String] {
        guard let interfaces = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return [] }
        var out: [String] = []
        for interface in interfaces {
            for info in interface["addr_info"] as? [[String: Any]] ?? [] {
                guard info["family"] as? String == "inet", let local = info["local"] as? String,
                      let octets = ipv4(local), octets[0] != 127 else { continue }
                out.append(local)
            }
        }
        return out
    }

    /// A namespace name as `ip netns` accepts it (no path tricks: the name becomes a file under
    /// /var/run/netns).
    public static func isNamespaceName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name != "." && name != ".."
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }
}
