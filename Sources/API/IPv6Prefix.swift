/// The first four groups of an IPv6 address in text form, expanded (`2001:db8:0:0`), for
/// per-/64 rate limiting. Reads text from headers, so it checks everything and never traps.
enum IPv6Prefix {
    /// Nil for text that is not plain IPv6 hex groups; an IPv4-mapped address (`::ffff:1.2.3.4`)
    /// is nil too, so it is keyed whole, like the IPv4 address it is.
    static func first64Bits(of text: String) -> String? {
        var address = Substring(text)
        // A zone (`fe80::1%eth0`) names the interface, not the host.
        if let percent = address.firstIndex(of: "%") { address = address[..<percent] }
        guard !address.isEmpty, address.utf8.count <= 45 else { return nil }
        let halves = address.split(separator: "::", maxSplits: 1, omittingEmptySubsequences: false)
        guard halves.count <= 2 else { return nil }
        func groups(_ part: Substring) -> [Substring]? {
            if part.isEmpty { return [] }
            let parts = part.split(separator: ":", omittingEmptySubsequences: false)
            for group in parts {
                guard (1...4).contains(group.utf8.count), group.utf8.allSatisfy(isASCIIHexDigit) else { return nil }
            }
            return parts
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]) else { return nil }
            let missing = 8 - head.count - tail.count
            guard missing >= 1 else { return nil }
            all += Array(repeating: "0", count: missing) + tail
        }
        guard all.count == 8 else { return nil }
        return all.prefix(4).map { group in
            let trimmed = group.drop(while: { $0 == "0" })
            return trimmed.isEmpty ? "0" : trimmed.lowercased()
        }.joined(separator: ":")
    }

    /// ASCII only: `Character.isHexDigit` also accepts full-width digits.
    private static func isASCIIHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }
}
