// chobi-server: one binary, subcommands for serving and administration. Configuration comes from
// flags, then CHOBI_* environment variables, then defaults that run everything on one machine.
import ArgumentParser
import Logging

@main
struct ChobiServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chobi-server",
        abstract: "Chobi Live media server: WebRTC SFU, signaling and control API.",
        subcommands: [ServeCommand.self, TokenCommand.self, AdminCommand.self, BackupCommand.self],
        defaultSubcommand: ServeCommand.self
    )

    /// ArgumentParser's own `main`, except that once `serve` has switched logging to JSON, the
    /// error that ends the process (a database it refuses, a port it cannot bind) is written as a
    /// JSON line like everything before it, so a collector parsing the journal does not trip on
    /// the one line that matters most.
    static func main() async {
        do {
            var command = try await asyncParseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let text = Self.message(for: error)
            if LogFormat.isJSONInstalled, !text.isEmpty {
                Logger(label: "chobi").critical("\(text)")
                exit(withError: ExitCode(exitCode(for: error).rawValue))
            }
            exit(withError: error)
        }
    }
}
