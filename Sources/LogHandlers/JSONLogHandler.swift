// JSONLogHandler: a swift-log handler that writes one JSON object per line, for log collectors
// (journald, Loki, Elasticsearch) that parse structure instead of guessing at text.
// It does not decide where logs go beyond one sink (stderr by default), filter, sample or rotate;
// the service manager does that.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ISOTimestamp
import Logging
import Synchronization

/// One line per event: `{"timestamp":"2026-12-06T15:40:00.123Z","level":"info","label":"chobi",
/// "message":"…","metadata":{"key":"value"},"source":"…","file":"…","line":12}`, plus `"error"`
/// when the event carries one. Metadata values are always strings (nested lists and dictionaries
/// as their text), so a collector's schema for a key never changes type from line to line.
/// Output is ASCII: everything outside printable ASCII is a `\u` escape.
public struct JSONLogHandler: LogHandler {
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

    /// The handler `LoggingSystem.bootstrap` gets in production: lines to standard error, where
    /// systemd sends them to the journal.
    public static func standardError(label: String, metadataProvider: Logger.MetadataProvider?) -> JSONLogHandler {
        JSONLogHandler(label: label, metadataProvider: metadataProvider) { StandardError.write($0) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        write(Self.line(for: event, label: label, metadata: event.metadata(over: metadata, provider: metadataProvider),
                        at: Date()))
    }

    /// The JSON text of one event, newline-terminated.
    static func line(for event: LogEvent, label: String, metadata: Logger.Metadata, at date: Date) -> String {
        var out = "{\"timestamp\":\""
        out += ISOTimestamp.string(millisecondsSince1970: Int64((date.timeIntervalSince1970 * 1000).rounded()))
        out += "\",\"level\":"
        JSONString.append(event.level.rawValue, to: &out)
        out += ",\"label\":"
        JSONString.append(label, to: &out)
        out += ",\"message\":"
        JSONString.append(event.message.description, to: &out)
        if !metadata.isEmpty {
            out += ",\"metadata\":{"
            // Sorted so equal events make equal lines (and tests can compare them).
            for (index, key) in metadata.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                JSONString.append(key, to: &out)
                out += ":"
                JSONString.append(metadata[key]?.description ?? "", to: &out)
            }
            out += "}"
        }
        if let error = event.error {
            out += ",\"error\":"
            JSONString.append(String(describing: error), to: &out)
        }
        out += ",\"source\":"
        JSONString.append(event.source, to: &out)
        out += ",\"file\":"
        JSONString.append(event.file, to: &out)
        out += ",\"line\":\(event.line)}\n"
        return out
    }
}
