// A transport address (IP + UDP port) as plain bytes: STUN writes it into XOR-MAPPED-ADDRESS,
// ICE keys its checks and consent by it, and the media transport maps it to and from sockets.
// It is a small value type so the packet path can hash and compare it without allocating.

/// An IPv4 or IPv6 address with a port. Hashable and cheap to copy (no heap storage).
public struct TransportAddress: Hashable, Sendable, CustomStringConvertible {
    /// The IP part, stored as big-endian integers so the value has no heap storage.
    public enum IP: Hashable, Sendable {
        /// IPv4, most significant byte first (`0x7F000001` is 127.0.0.1).
        case v4(UInt32)
        /// IPv6 as two 64-bit halves, most significant first.
        case v6(high: UInt64, low: UInt64)
    }

    public var ip: IP
    public var port: UInt16

    public init(ip: IP, port: UInt16) {
        self.ip = ip
        self.port = port
    }

    /// IPv4 from four bytes, e.g. `TransportAddress(ipv4: (127, 0, 0, 1), port: 5000)`.
    public init(ipv4 a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, port: UInt16) {
        let value = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
        self.init(ip: .v4(value), port: port)
    }

    /// From the raw address bytes: 4 bytes make IPv4, 16 bytes IPv6; any other count is nil.
    public init?(addressBytes bytes: some Collection<UInt8>, port: UInt16) {
        switch bytes.count {
        case 4:
            var value: UInt32 = 0
            for byte in bytes { value = value << 8 | UInt32(byte) }
            self.init(ip: .v4(value), port: port)
        case 16:
            var high: UInt64 = 0
            var low: UInt64 = 0
            for (i, byte) in bytes.enumerated() {
                if i < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
            }
            self.init(ip: .v6(high: high, low: low), port: port)
        default:
            return nil
        }
    }

    /// Parses "1.2.3.4:5000" or "[2001:db8::1]:5000". Returns nil for anything else.
    public init?(_ text: String) {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":"), let port = UInt16(rest.dropFirst()),
                  let ip = TransportAddress.parseIPv6(host) else { return nil }
            self.init(ip: ip, port: port)
        } else {
            guard let colon = text.lastIndex(of: ":"),
                  let port = UInt16(text[text.index(after: colon)...]),
                  let value = TransportAddress.parseIPv4(text[..<colon]) else { return nil }
            self.init(ip: .v4(value), port: port)
        }
    }

    public var isIPv4: Bool {
        if case .v4 = ip { return true }
        return false
    }

    /// The address bytes in network order: 4 for IPv4, 16 for IPv6.
    public var addressBytes: [UInt8] {
        switch ip {
        case .v4(let value):
            return [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16),
                    UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
        case .v6(let high, let low):
            var out = [UInt8]()
            out.reserveCapacity(16)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: high >> UInt64(shift))) }
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: low >> UInt64(shift))) }
            return out
        }
    }

    /// "127.0.0.1:5000" or "[::1]:5000" (IPv6 in RFC 5952 canonical text).
    public var description: String {
        switch ip {
        case .v4(let value):
            return "\(value >> 24).\((value >> 16) & 0xFF).\((value >> 8) & 0xFF).\(value & 0xFF):\(port)"
        case .v6(let high, let low):
            return "[\(TransportAddress.formatIPv6(high: high, low: low))]:\(port)"
        }
    }

    // MARK: - Text forms

    static func parseIPv4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII),
                  let octet = UInt8(part) else { return nil }
            value = value << 8 | UInt32(octet)
        }
        return value
    }

    static func parseIPv6(_ text: Substring) -> IP? {
        // Split at "::" (at most once); each side is a list of 16-bit groups, the last of which
        // may be a dotted IPv4 tail (e.g. ::ffff:192.0.2.1).
        var halves: [Substring] = []
        var start = text.startIndex
        var i = text.startIndex
        while i < text.endIndex {
            let next = text.index(after: i)
            if text[i] == ":", next < text.endIndex, text[next] == ":" {
                halves.append(text[start..<i])
                start = text.index(after: next)
                i = start
            } else {
                i = next
            }
        }
        halves.append(text[start...])
        guard halves.count <= 2 else { return nil }
        func groups(_ part: Substring) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, field) in fields.enumerated() {
                if i == fields.count - 1, field.contains(".") {
                    guard let v4 = parseIPv4(field) else { return nil }
                    out.append(UInt16(v4 >> 16))
                    out.append(UInt16(v4 & 0xFFFF))
                } else {
                    guard (1...4).contains(field.count), field.allSatisfy(\.isHexDigit),
                          let group = UInt16(field, radix: 16) else { return nil }
                    out.append(group)
                }
            }
            return out
        }
        var all: [UInt16]
        if halves.count == 2 {
            guard let head = groups(halves[0]), let tail = groups(halves[1]),
                  head.count + tail.count <= 7 else { return nil }
            all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let only = groups(halves[0]), only.count == 8 else { return nil }
            all = only
        }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (i, group) in all.enumerated() {
            if i < 4 { high = high << 16 | UInt64(group) } else { low = low << 16 | UInt64(group) }
        }
        return .v6(high: high, low: low)
    }

    static func formatIPv6(high: UInt64, low: UInt64) -> String {
        var groups = [UInt16]()
        groups.reserveCapacity(8)
        for shift in stride(from: 48, through: 0, by: -16) { groups.append(UInt16(truncatingIfNeeded: high >> UInt64(shift))) }
        for shift in stride(from: 48, through: 0, by: -16) { groups.append(UInt16(truncatingIfNeeded: low >> UInt64(shift))) }
        // RFC 5952 §5: IPv4-mapped addresses (what dual-stack sockets report) keep the dotted tail.
        if high == 0, low >> 32 == 0xFFFF {
            let v4 = UInt32(truncatingIfNeeded: low)
            return "::ffff:\(v4 >> 24).\((v4 >> 16) & 0xFF).\((v4 >> 8) & 0xFF).\(v4 & 0xFF)"
        }
        // RFC 5952: compress the longest run (first if tied) of two or more zero groups.
        var bestStart = -1
        var bestLength = 0
        var runStart = -1
        for i in 0...8 {
            if i < 8, groups[i] == 0 {
                if runStart < 0 { runStart = i }
            } else if runStart >= 0 {
                let length = i - runStart
                if length > bestLength { bestStart = runStart; bestLength = length }
                runStart = -1
            }
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestLength >= 2 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }
}
