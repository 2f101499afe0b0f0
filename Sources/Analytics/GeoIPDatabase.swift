import CGeoIP
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One legacy GeoIP country file (Debian's `geoip-database`: GeoIP.dat for IPv4, GeoIPv6.dat for
/// IPv6) through libGeoIP, read into memory once.
///
/// Lookups use libGeoIP's `_gl` calls, which keep their per-lookup state in the caller's
/// `GeoIPLookup` and only read the in-memory copy: safe from any thread at once, so no lock.
/// Addresses are handed over as numbers, never as text, so libGeoIP never resolves a name.
public final class GeoIPDatabase: @unchecked Sendable {
    public enum Family: Sendable { case v4, v6 }

    public enum OpenError: Error, Equatable, CustomStringConvertible {
        case missing(path: String)
        case unreadable(path: String)
        case wrongEdition(path: String, edition: Int32)

        public var description: String {
            switch self {
            case .missing(let path): "\(path): no such file"
            case .unreadable(let path): "\(path): not a GeoIP database libGeoIP can open"
            case .wrongEdition(let path, let edition): "\(path): edition \(edition) is not a country database"
            }
        }
    }

    public let path: String
    public let family: Family
    // Only ever read after init (libGeoIP's memory cache); freed once in deinit.
    private let handle: UnsafeMutablePointer<GeoIP>

    public init(path: String, family: Family) throws(OpenError) {
        guard access(path, R_OK) == 0 else { throw .missing(path: path) }
        // libGeoIP takes any file without a structure record for a country database and answers
        // garbage from it; Debian's files carry the record, so insist on it.
        let expected = family == .v4 ? Int32(GEOIP_COUNTRY_EDITION.rawValue) : Int32(GEOIP_COUNTRY_EDITION_V6.rawValue)
        guard let recorded = Self.recordedEdition(path: path) else { throw .unreadable(path: path) }
        guard recorded == expected else { throw .wrongEdition(path: path, edition: recorded) }
        // MEMORY_CACHE: one read of the file, lookups never touch the disk; SILENCE: errors are
        // ours to report, not libGeoIP's on stderr.
        let flags = Int32(GEOIP_MEMORY_CACHE.rawValue | GEOIP_SILENCE.rawValue)
        guard let handle = GeoIP_open(path, flags) else { throw .unreadable(path: path) }
        let edition = Int32(GeoIP_database_edition(handle))
        guard edition == expected else {
            GeoIP_delete(handle)
            throw .wrongEdition(path: path, edition: edition)
        }
        self.path = path
        self.family = family
        self.handle = handle
    }

    deinit { GeoIP_delete(handle) }

    /// The edition in the file's structure record: three 0xFF bytes and the edition, within its
    /// last 20 bytes (where libGeoIP looks); nil when there is none.
    static func recordedEdition(path: String) -> Int32? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        guard fseek(file, 0, SEEK_END) == 0 else { return nil }
        let size = ftell(file)
        let tailLength = min(size, 20)
        guard tailLength >= 4, fseek(file, -tailLength, SEEK_END) == 0 else { return nil }
        var tail = [UInt8](repeating: 0, count: tailLength)
        guard fread(&tail, 1, tailLength, file) == tailLength else { return nil }
        // libGeoIP scans from the end backwards; the first marker it meets wins.
        var i = tail.count - 4
        while i >= 0 {
            if tail[i] == 0xFF, tail[i + 1] == 0xFF, tail[i + 2] == 0xFF {
                let edition = Int32(tail[i + 3])
                // As libGeoIP reads it: editions from before mid-2003 were stored plus 105.
                return edition >= 106 ? edition - 105 : edition
            }
            i -= 1
        }
        return nil
    }

    /// ISO 3166 alpha-2 code, uppercase; nil when the file places the address nowhere (or in a
    /// pseudo-country such as "--" or the anonymous-proxy codes) or the family does not match.
    public func country(of address: IPAddress) -> String? {
        var lookup = GeoIPLookup()
        let code: UnsafePointer<CChar>?
        switch (address, family) {
        case (.v4(let number), .v4):
            code = GeoIP_country_code_by_ipnum_gl(handle, UInt(number), &lookup)
        case (.v6(let bytes), .v6):
            var number = in6_addr()
            withUnsafeMutableBytes(of: &number) { $0.copyBytes(from: bytes.prefix(16)) }
            code = GeoIP_country_code_by_ipnum_v6_gl(handle, number, &lookup)
        default:
            return nil
        }
        guard let code else { return nil }
        return Self.countryCode(String(cString: code))
    }

    /// Two ASCII letters, and not one of the database's placeholders.
    static func countryCode(_ text: String) -> String? {
        let placeholders: Set<String> = ["--", "A1", "A2", "AP", "EU", "O1"]
        guard text.utf8.count == 2, text.utf8.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) }),
              !placeholders.contains(text)
        else { return nil }
        return text
    }
}
