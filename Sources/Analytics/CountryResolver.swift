/// The country of a client address, from the IPv4 and IPv6 GeoIP files when they are there.
///
/// A missing or unreadable file is not fatal: its family resolves to nil ("unknown"), and
/// `problems` says why once, for the caller to log at start. Non-routable addresses (loopback,
/// private networks, CGNAT, link-local, documentation) are never looked up.
public struct CountryResolver: Sendable {
    public static let defaultIPv4Path = "/usr/share/GeoIP/GeoIP.dat"
    public static let defaultIPv6Path = "/usr/share/GeoIP/GeoIPv6.dat"

    let v4: GeoIPDatabase?
    let v6: GeoIPDatabase?
    /// Why a database is not in use, one line each (empty when both opened).
    public let problems: [String]

    public init(ipv4Path: String? = defaultIPv4Path, ipv6Path: String? = defaultIPv6Path) {
        var problems: [String] = []
        func open(_ path: String?, _ family: GeoIPDatabase.Family) -> GeoIPDatabase? {
            guard let path, !path.isEmpty else { return nil }
            do {
                return try GeoIPDatabase(path: path, family: family)
            } catch {
                problems.append(error.description)
                return nil
            }
        }
        v4 = open(ipv4Path, .v4)
        v6 = open(ipv6Path, .v6)
        self.problems = problems
    }

    /// No database: every address is "unknown" (tests, and servers that opt out).
    public static let none = CountryResolver(ipv4Path: nil, ipv6Path: nil)

    public var isEnabled: Bool { v4 != nil || v6 != nil }

    /// ISO 3166 alpha-2 code of `address` (text as the API has it), or nil when unknown.
    public func country(of address: String) -> String? {
        guard let parsed = IPAddress(address), parsed.isGloballyRoutable else { return nil }
        switch parsed {
        case .v4: return v4?.country(of: parsed)
        case .v6: return v6?.country(of: parsed)
        }
    }
}
