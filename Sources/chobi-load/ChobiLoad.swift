import ArgumentParser
import Foundation
import LoadKit
import SyntheticMedia

/// `chobi-load`: synthetic peers against a running server, with real codecs. Hosts and guests
/// publish a VP8 picture that carries its frame number and capture time; viewers watch every
/// publisher of their room over WHEP, decode with libvpx and read the stamp back, so latency is
/// measured glass to glass on one clock. Chat lines and gifts go through the control API and are
/// timed to a member listening on `/rtc`; the server's CPU and memory are sampled each second.
/// It stops by itself (bounded counts, `--duration` at most an hour) and sends only to loopback
/// or to an address of a network namespace named with `--allow-netns`. docs/load.md.
@main
struct ChobiLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chobi-load",
        abstract: "Load-test a Chobi Live (or any WHIP/WHEP) server with synthetic peers that encode and decode real VP8.")

    @OptionGroup(title: "Target") var target: TargetOptions
    @OptionGroup(title: "Scenario") var scenario: ScenarioOptions
    @OptionGroup(title: "Media") var media: MediaOptions
    @OptionGroup(title: "Network impairments") var impairments: ImpairmentOptions
    @OptionGroup(title: "Chat and gifts") var economy: EconomyOptions
    @OptionGroup(title: "Report and thresholds") var report: ReportOptions

    func validate() throws {
        try scenario.check()
        try media.check()
        try impairments.check()
        try economy.check(mode: target.mode)
        try target.check()
        guard scenario.hosts || target.mode != .session else {
            throw ValidationError("--no-hosts needs --minted-tokens or --wish-only: a live session whose host never connects is ended by the server")
        }
        let peers = scenario.shape(duration: scenario.duration).peers
        guard peers <= ScenarioOptions.maxPeers else {
            throw ValidationError("\(peers) peers in all: at most \(ScenarioOptions.maxPeers)")
        }
    }

    func run() async throws {
        let configuration = try await target.resolve(scenario: scenario, media: media, impairments: impairments, economy: economy, report: report)
        let outcome = try await LoadRun(configuration).execute()
        if !outcome.failures.isEmpty {
            say("FAILED: " + outcome.failures.joined(separator: "; "))
            throw ExitCode(1)
        }
    }
}

/// Prints a line and flushes it, even into a pipe: the progress line and the room names are for
/// whoever watches the run now (a test waits for the room to join it), not at exit.
func say(_ line: String) {
    print(line)
    fflush(nil)
}
