// ServerTLS: HTTPS for the HTTP server. It loads a certificate and key from PEM files, makes and
// reuses a self-signed development certificate, and swaps in a new pair when the files change so
// new handshakes use it without a restart. It does not touch the media plane's DTLS certificate
// (DTLSCertificate, made fresh at every start) and it does not do ACME.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The names a development certificate must cover: DNS names and IP addresses, kept apart because
/// X.509 encodes them differently (an IP in a dNSName entry does not match in browsers).
public struct TLSNames: Hashable, Sendable {
    public private(set) var dnsNames: Set<String>
    /// Raw network-order bytes: 4 for IPv4, 16 for IPv6, as subjectAltName's iPAddress wants them.
    public private(set) var ipAddresses: Set<[UInt8]>

    public init() {
        dnsNames = []
        ipAddresses = []
    }

    /// localhost, 127.0.0.1 and ::1: what a development server on loopback is reached by.
    public static var loopback: TLSNames {
        var names = TLSNames()
        // These three are literals that always parse.
        try? names.insert("localhost")
        try? names.insert("127.0.0.1")
        try? names.insert("::1")
        return names
    }

    /// Parses a comma-separated list (`--tls-names a,b,c`); blanks are skipped.
    public init(parsing list: String) throws(TLSNameError) {
        self.init()
        for part in list.split(separator: ",") {
            let name = part.trimmingCharacters(in: " \t")
            if !name.isEmpty { try insert(name) }
        }
        if dnsNames.isEmpty && ipAddresses.isEmpty { throw .empty }
    }

    /// Adds an IP address (v4 or v6, brackets allowed) or a DNS name. Unspecified addresses
    /// (0.0.0.0, ::) are refused: nobody connects to them, so a certificate naming them helps no one.
    public mutating func insert(_ name: String) throws(TLSNameError) {
        var text = name
        if text.hasPrefix("[") && text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if let bytes = Self.ipBytes(text) {
            if bytes.allSatisfy({ $0 == 0 }) { throw .unspecifiedAddress(name) }
            ipAddresses.insert(bytes)
            return
        }
        let lower = text.lowercased()
        guard Self.isDNSName(lower) else { throw .invalid(name) }
        dnsNames.insert(lower)
    }

    /// For names read back from a certificate, already in wire form.
    mutating func insertRaw(ipAddress bytes: [UInt8]) {
        if bytes.count == 4 || bytes.count == 16 { ipAddresses.insert(bytes) }
    }

    public func isSubset(of other: TLSNames) -> Bool {
        dnsNames.isSubset(of: other.dnsNames) && ipAddresses.isSubset(of: other.ipAddresses)
    }

    public static func ipBytes(_ text: String) -> [UInt8]? {
        var v4 = [UInt8](repeating: 0, count: 4)
        if text.withCString({ source in v4.withUnsafeMutableBytes { inet_pton(AF_INET, source, $0.baseAddress) } }) == 1 {
            return v4
        }
        var v6 = [UInt8](repeating: 0, count: 16)
        if text.withCString({ source in v6.withUnsafeMutableBytes { inet_pton(AF_INET6, source, $0.baseAddress) } }) == 1 {
            return v6
        }
        return nil
    }

    /// Letters, digits, hyphens and dots, with a leading `*.` allowed for a wildcard; no empty labels.
    static func isDNSName(_ name: String) -> Bool {
        var labels = name.split(separator: ".", omittingEmptySubsequences: false)
        if labels.first == "*" && labels.count > 1 { labels.removeFirst() }
        guard !labels.isEmpty, name.utf8.count <= 253 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && label.first != "-" && label.last != "-"
                && label.utf8.allSatisfy { c in
                    (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x2D
                }
        }
    }
}

public enum TLSNameError: Error, Equatable, CustomStringConvertible {
    case empty
    case invalid(String)
    case unspecifiedAddress(String)

    public var description: String {
        switch self {
        case .empty: "no names given"
        case .invalid(let name): "\(name) is neither an IP address nor a DNS name"
        case .unspecifiedAddress(let name): "\(name) is the unspecified address, which no client connects to"
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
