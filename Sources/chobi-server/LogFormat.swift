import LogHandlers
import Logging
import Synchronization

/// How `serve` writes its logs: `text` is swift-log's own line format (for people at a terminal),
/// `json` one JSON object per line on stderr (for journald and log collectors).
enum LogFormat: String, CaseIterable {
    case text, json

    private static let jsonInstalled = Atomic<Bool>(false)

    /// Whether `bootstrap` installed the JSON handler (`ChobiServer.main` then logs its final
    /// error through it instead of printing text).
    static var isJSONInstalled: Bool { jsonInstalled.load(ordering: .acquiring) }

    /// Installs the handler for this format. swift-log allows one bootstrap per process, and a
    /// `Logger` made before it keeps the default handler, so this runs first thing in `serve`.
    func bootstrap() {
        switch self {
        case .text:
            // swift-log's text format, by a handler that formats metadata only when it logs.
            LoggingSystem.bootstrap({ label, provider in
                TextLogHandler.standardError(label: label, metadataProvider: provider)
            }, metadataProvider: nil)
        case .json:
            LoggingSystem.bootstrap({ label, provider in
                JSONLogHandler.standardError(label: label, metadataProvider: provider)
            }, metadataProvider: nil)
            Self.jsonInstalled.store(true, ordering: .releasing)
        }
    }
}
