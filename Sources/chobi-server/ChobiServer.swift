// chobi-server: one binary, subcommands for serving and administration. Configuration comes from
// flags, then CHOBI_* environment variables, then defaults that run everything on one machine.
import ArgumentParser

@main
struct ChobiServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chobi-server",
        abstract: "Chobi Live media server: WebRTC SFU, signaling and control API.",
        subcommands: [ServeCommand.self, TokenCommand.self, AdminCommand.self, BackupCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
