#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A client address as text from the API (the TCP peer, or the client a trusted proxy named),
/// parsed once, with the one question analytics asks of it: could it be anywhere on a map?
public enum IPAddress: Sendable, Equatable {
    case v4(UInt32)
    /// 16 bytes, network order.
    case v6([UInt8])

    /// nil for anything that is not one IPv4 or IPv6 address ("unknown", a hostname, garbage).
    /// An IPv4-mapped IPv6 address (a dual-stack socket's IPv4 peer) is IPv4; a zone ("%eth0") is
    /// dropped.
    public init?(_ text: String) {
        var address = Substring(text)
        if let percent = address.firstIndex(of: "%") { address = address[..<percent] }
        guard !address.isEmpty, address.utf8.count <= 45 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, String(address), &v4) == 1 {
            self = .v4(UInt32(bigEndian: v4.s_addr))
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, String(address), &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            self = .v4(UInt32(bytes[12]) << 24 | UInt32(bytes[13]) << 16 | UInt32(bytes[14]) << 8 | UInt32(bytes[15]))
            return
        }
        self = .v6(bytes)
    }

    /// False for loopback, private, link-local, shared (CGNAT), documentation, multicast and
    /// unspecified ranges: no country database places them, and a lookup would only waste time.
    public var isGloballyRoutable: Bool {
        switch self {
        case .v4(let a):
            let nonGlobal: [(UInt32, Int)] = [
                (0x0000_0000, 8), (0x0A00_0000, 8), (0x6440_0000, 10), (0x7F00_0000, 8), (0xA9FE_0000, 16),
                (0xAC10_0000, 12), (0xC000_0000, 24), (0xC000_0200, 24), (0xC0A8_0000, 16), (0xC612_0000, 15),
                (0xC633_6400, 24), (0xCB00_7100, 24), (0xE000_0000, 4), (0xF000_0000, 4),
            ]
            return !nonGlobal.contains { network, prefix in a >> (32 - prefix) == network >> (32 - prefix) }
        case .v6(let b):
            if b.allSatisfy({ $0 == 0 }) { return false }                              // ::
            if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return false }        // ::1
            if b[0] & 0xFE == 0xFC { return false }                                    // fc00::/7 unique local
            if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return false }                    // fe80::/10 link-local
            if b[0] == 0xFF { return false }                                           // multicast
            if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8 { return false } // 2001:db8::/32
            return true
        }
    }
}
