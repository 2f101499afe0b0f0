import ArgumentParser
import Foundation
import LoadKit
import SyntheticPeers

/// Who the run talks to, and with what right: a Chobi server (accounts and sessions through its
/// control API, or room tokens minted from its key), or any server's WHIP/WHEP URLs. The target
/// must be loopback or an address of a network namespace named with `--allow-netns`
/// (`TargetPolicy`).
struct TargetOptions: ParsableArguments {
    @Option(help: "The server's base URL (loopback, or an address of an --allow-netns namespace).")
    var server = "http://127.0.0.1:8080"
    @Option(help: "Also allow the IPv4 addresses of this network namespace (ip -n NAME -j addr); repeatable.")
    var allowNetns: [String] = []
    @Flag(help: "Mint room tokens from the server's key for plain rooms instead of creating accounts and sessions.")
    var mintedTokens = false
    @Flag(help: "WHIP/WHEP only, to --whip/--whep, no control API and no token minting: for any server.")
    var wishOnly = false
    @Option(help: "WHIP endpoint URL (with --wish-only).")
    var whip: String?
    @Option(help: "WHEP endpoint URL (with --wish-only).")
    var whep: String?
    @Option(help: "Bearer token sent with WHIP/WHEP requests (with --wish-only).")
    var bearer: String?
    @Flag(help: "Connect every peer with ICE over TCP (RFC 6544: to the server's passive TCP candidates, RFC 4571 framing) instead of UDP, as a browser behind a UDP-blocking firewall does.")
    var iceTcp = false
    @Option(help: "Room name prefix with --minted-tokens (room i is <prefix>-<i>).")
    var room = "load"
    @Option(help: "The server's data directory: its jwt.key (--minted-tokens, unless CHOBI_JWT_SECRET is set) and chobi.sqlite (to grant the gifters' coins).")
    var dataDir = "./data"
    @Option(help: "The server's SQLite file (default: <data-dir>/chobi.sqlite).")
    var database: String?

    var mode: LoadConfiguration.Mode { wishOnly ? .wish : mintedTokens ? .minted : .session }

    func check() throws {
        guard !(wishOnly && mintedTokens) else { throw ValidationError("--wish-only and --minted-tokens exclude each other") }
        if wishOnly {
            guard whep != nil else { throw ValidationError("--wish-only needs --whep URL (and --whip URL when anyone publishes)") }
        } else {
            guard whip == nil, whep == nil, bearer == nil else { throw ValidationError("--whip, --whep and --bearer need --wish-only") }
        }
        for name in allowNetns where !TargetPolicy.isNamespaceName(name) {
            throw ValidationError("--allow-netns \(name): not a namespace name")
        }
    }

    func resolve(scenario: ScenarioOptions, media: MediaOptions, impairments: ImpairmentOptions, economy: EconomyOptions,
                 report: ReportOptions) async throws -> LoadConfiguration {
        var policy = TargetPolicy()
        for name in allowNetns {
            let addresses = try Self.namespaceAddresses(name)
            guard !addresses.isEmpty else { throw ValidationError("namespace \(name) has no IPv4 address besides loopback") }
            policy.namespaceAddresses[name] = addresses
        }
        func allowed(_ text: String, _ option: String) throws -> String {
            do { return try policy.check(url: text) } catch { throw ValidationError("\(option): \(error)") }
        }
        guard let base = URL(string: server) else { throw ValidationError("--server: not a URL") }
        var serverAddress = try allowed(server, "--server")
        var endpoints = PeerJoiner.Endpoints(base: base)
        if mode == .wish {
            if scenario.rooms != 1 { throw ValidationError("--wish-only drives one room (its WHIP/WHEP URLs)") }
            if let whip {
                endpoints.whip = URL(string: whip)
                serverAddress = try allowed(whip, "--whip")
            } else if scenario.hosts || scenario.guests > 0 {
                throw ValidationError("--wish-only with publishers needs --whip URL (or --no-hosts with no guests to watch a stream published elsewhere)")
            }
            if let whep {
                endpoints.whep = URL(string: whep)
                let watchAddress = try allowed(whep, "--whep")
                guard whip == nil || watchAddress == serverAddress else { throw ValidationError("--whip and --whep must name one server") }
                serverAddress = watchAddress
            }
        }
        let loopback = serverAddress.hasPrefix("127.")
        var metricsURL: URL?
        if report.metrics != "none" {
            metricsURL = report.metrics.flatMap { URL(string: $0) } ?? (mode == .wish ? nil : base.appendingPathComponent("metrics"))
            if let text = report.metrics, text != "none" { _ = try allowed(text, "--metrics") }
        }
        let pid = report.serverPid ?? (loopback ? ServerSampler.pid(listeningOn: UInt16(clamping: base.port ?? 80)) : nil)
        return LoadConfiguration(
            mode: mode, base: base, serverAddress: serverAddress, localAddress: loopback ? 0x7F00_0001 : 0,
            endpoints: endpoints, transport: iceTcp ? .tcp : .udp, bearer: bearer, roomPrefix: room, shape: scenario.shape(duration: scenario.duration),
            decodingPerRoom: min(scenario.viewers, media.decode ?? scenario.viewers),
            width: media.width, height: media.height, fps: media.fps, bitrate: media.bitrate,
            media: MediaSetup(audio: media.audio, simulcast: media.simulcast, impairment: impairments.settings,
                              impairHost: impairments.impairHost, seed: impairments.seed, burstLoss: impairments.burstLoss,
                              transportCC: media.transportCc),
            chatPerSecond: economy.chatRate, giftsPerSecond: economy.giftRate, dataDirectory: dataDir, database: database,
            admin: economy.adminUser.flatMap { user in economy.adminPassword.map { (user, $0) } },
            viewerThreads: scenario.viewerThreads, joinConcurrency: scenario.joinConcurrency,
            metricsURL: metricsURL, serverPID: pid, thresholds: report.thresholds, jsonPath: report.json, htmlPath: report.html)
    }

    /// `ip -n NAME -j addr`: the namespace's IPv4 addresses (the namespace must exist: `ip netns add`).
    static func namespaceAddresses(_ name: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ip", "-n", name, "-j", "addr"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("--allow-netns \(name): ip -n \(name) addr failed (no such namespace?)") }
        return TargetPolicy.addresses(fromIPJSON: data)
    }
}
