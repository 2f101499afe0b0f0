#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// swift-log's text line (`2026-12-06T21:40:00+0000 info chobi: client=127.0.0.1 [API] message`,
/// the `StreamLogHandler` format) on standard error, shared with `JSONLogHandler`'s writer.
///
/// Why not `StreamLogHandler`: it formats its metadata on every change, and the HTTP server,
/// the tRPC endpoint and each call set a key or two on every request, almost none of which
/// logs anything. Here a change only stores the value; the text is made when a line is written.
public struct TextLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let write: @Sendable (String) -> Void

    /// A handler that hands each finished line (newline included) to `write`.
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil,
                write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    public static func standardError(label: String, metadataProvider: Logger.MetadataProvider?) -> TextLogHandler {
        TextLogHandler(label: label, metadataProvider: metadataProvider) { StandardError.write($0) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = event.metadata(over: metadata, provider: metadataProvider)
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        write(Self.line(for: event, label: label, metadata: merged, timestamp: Self.timestamp()))
    }

    static func line(for event: LogEvent, label: String, metadata: Logger.Metadata, timestamp: String) -> String {
        var out = "\(timestamp) \(event.level)"
        if !label.isEmpty { out += " \(label)" }
        out += ":"
        for key in metadata.keys.sorted() {
            out += " \(key)=\(metadata[key].map { "\($0)" } ?? "")"
        }
        out += " [\(event.source)] \(event.message)\n"
        return out
    }

    /// Local time to the second with its offset, as `StreamLogHandler` writes it.
    private static func timestamp() -> String {
        var now = time(nil)
        var local = tm()
        guard localtime_r(&now, &local) != nil else { return "<unknown>" }
        var buffer = [CChar](repeating: 0, count: 64)
        let length = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
