import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Store

/// `chobi-server backup FILE`: a consistent copy of the live database, taken while the server
/// runs. It reads the file the server writes (SQLite WAL lets both use it) and never changes it;
/// FILE is replaced only by a copy that passed SQLite's integrity check.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the live database to FILE (online, consistent, integrity-checked).")

    @Option(help: "Data directory (env CHOBI_DATA_DIR).")
    var dataDir: String = Environment.string("CHOBI_DATA_DIR") ?? "./data"

    @Option(help: "SQLite database file (env CHOBI_DATABASE; default: <data-dir>/chobi.sqlite).")
    var database: String = Environment.string("CHOBI_DATABASE") ?? ""

    @Argument(help: "Where to write the copy; an existing file there is replaced once the copy checks out.")
    var file: String

    func run() async throws {
        let source = database.isEmpty ? dataDir + "/chobi.sqlite" : database
        let started = ContinuousClock.now
        let backup = try await Store.backup(databaseAt: source, to: file)
        let elapsed = ContinuousClock.now - started
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        print("wrote \(backup.path): \(backup.bytes) bytes, \(backup.pages) pages of \(backup.pageSize) bytes, "
              + "integrity ok, \(milliseconds) ms (from \(source))")
    }
}
