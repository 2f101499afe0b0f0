import ArgumentParser
import LoadKit
import SyntheticMedia

/// Rooms, who is in them, how they arrive and leave, and for how long. Every count is bounded.
struct ScenarioOptions: ParsableArguments {
    static let maxPeers = 5_000
    static let maxRooms = 100
    static let maxGuests = 8

    @Option(help: "Rooms (live sessions in session mode), each with its own host, guests and viewers.")
    var rooms = 1
    @Flag(inversion: .prefixedNo, help: "One host publishing in each room.")
    var hosts = true
    @Option(help: "Guests per room, publishing like the host (co-hosts invited by it).")
    var guests = 0
    @Option(help: "Viewers per room; each watches every publisher of its room.")
    var viewers = 20
    @Option(help: "Seconds of the run, from the first join (at most 3600).")
    var duration = 15.0
    @Option(help: "Peers joining per second (default: all at once, publishers first).")
    var ramp: Double?
    @Option(help: "Churn: viewers per second that leave, each replaced by a new one (join time measured).")
    var churn = 0.0
    @Option(help: "Viewer reader threads.")
    var viewerThreads = 2
    @Option(help: "Viewer joins in flight at once.")
    var joinConcurrency = 4

    func check() throws {
        guard (1...Self.maxRooms).contains(rooms) else { throw ValidationError("--rooms: 1 to \(Self.maxRooms)") }
        guard (0...Self.maxGuests).contains(guests) else { throw ValidationError("--guests: 0 to \(Self.maxGuests) per room") }
        guard (0...2000).contains(viewers) else { throw ValidationError("--viewers: 0 to 2000 per room") }
        guard duration > 1, duration <= 3600 else { throw ValidationError("--duration: more than 1 and at most 3600 seconds") }
        if let ramp { guard ramp > 0, ramp <= 1000 else { throw ValidationError("--ramp: more than 0 and at most 1000 peers a second") } }
        guard churn >= 0, churn <= 100 else { throw ValidationError("--churn: 0 to 100 viewers a second") }
        guard churn == 0 || viewers > 0 else { throw ValidationError("--churn needs viewers") }
        guard (1...16).contains(viewerThreads) else { throw ValidationError("--viewer-threads: 1 to 16") }
        guard (1...64).contains(joinConcurrency) else { throw ValidationError("--join-concurrency: 1 to 64") }
    }

    func shape(duration: Double) -> ScenarioPlan.Shape {
        ScenarioPlan.Shape(rooms: rooms, hosts: hosts, guests: guests, viewers: viewers, duration: duration,
                           rampPerSecond: ramp, churnPerSecond: churn, maxChurnJoins: ScenarioOptions.maxPeers)
    }
}

struct MediaOptions: ParsableArguments {
    @Option(help: "Viewers per room that decode (the rest count frames); default: all.")
    var decode: Int?
    @Option var width = 640
    @Option var height = 480
    @Option var fps = 30
    @Option(help: "Target VP8 bitrate per publisher, bits per second.")
    var bitrate = 1_000_000
    @Flag(inversion: .prefixedNo, help: "Publish Opus audio (a 440 Hz tone) beside the video; viewers decode it.")
    var audio = true
    @Option(help: "Video encodings each publisher sends as simulcast: 1 (none), 2 (full and 1/2) or 3 (full, 1/2, 1/4 size).")
    var simulcast = 1
    @Flag(help: "Viewers negotiate transport-wide congestion control and send its feedback every 50 ms, as browsers do (the SFU then runs its bandwidth estimator for each of them; REMB is not sent).")
    var transportCc = false

    func check() throws {
        guard FrameStamp.fits(width: width, height: height), width <= 1920, height <= 1080 else {
            throw ValidationError("--width/--height: big enough for the frame stamp, at most 1920×1080")
        }
        guard (1...60).contains(fps) else { throw ValidationError("--fps: 1 to 60") }
        guard (50_000...8_000_000).contains(bitrate) else { throw ValidationError("--bitrate: 50k to 8M") }
        if let decode { guard decode >= 0 else { throw ValidationError("--decode: 0 or more") } }
        guard (1...3).contains(simulcast) else { throw ValidationError("--simulcast: 1, 2 or 3") }
        // Every layer carries the stamp viewers read latency from, the smallest one too.
        for layer in MediaSetup.layerSizes(simulcast: simulcast, width: width, height: height)
        where !FrameStamp.fits(width: layer.width, height: layer.height) {
            throw ValidationError("--simulcast \(simulcast): the \(layer.width)x\(layer.height) layer is too small for the frame stamp; raise --width/--height")
        }
    }
}

struct EconomyOptions: ParsableArguments {
    @Option(help: "Chat lines per second per room, through chat.sendMessage (session mode).")
    var chatRate = 0.0
    @Option(help: "Gifts per second per room, through gifts.sendGift (session mode).")
    var giftRate = 0.0
    @Option(help: "An admin's username, to grant the gifters' coins as (else: see --data-dir).")
    var adminUser: String?
    @Option(help: "That admin's password.")
    var adminPassword: String?

    func check(mode: LoadConfiguration.Mode) throws {
        guard (0...200).contains(chatRate), (0...200).contains(giftRate) else {
            throw ValidationError("--chat-rate/--gift-rate: 0 to 200 a second per room")
        }
        guard mode == .session || (chatRate == 0 && giftRate == 0) else {
            throw ValidationError("chat and gifts go through the control API: session mode only (not --minted-tokens or --wish-only)")
        }
        guard (adminUser == nil) == (adminPassword == nil) else { throw ValidationError("--admin-user and --admin-password go together") }
    }
}

struct ReportOptions: ParsableArguments {
    @Option(help: "Write the report as JSON here.")
    var json: String?
    @Option(help: "Write the report as a self-contained HTML page (inline SVG charts) here.")
    var html: String?
    @Option(help: "Exit non-zero when glass-to-glass latency p50 is above this (ms).")
    var maxP50LatencyMs: Double?
    @Option(help: "Exit non-zero when latency p99 is above this (ms).")
    var maxP99LatencyMs: Double?
    @Option(help: "Exit non-zero when join time p99 is above this (ms).")
    var maxJoinP99Ms: Double?
    @Option(help: "Exit non-zero when any one viewer froze (> 200 ms without a picture) more often than this.")
    var maxFreezes: Int?
    @Option(help: "Exit non-zero when packet loss over all viewers is above this percent.")
    var maxLossPercent: Double?
    @Option(help: "Exit non-zero when a decoding viewer decoded less than this percent of the frames.")
    var minDecodedPercent: Double?
    @Option(help: "The server's pid, to sample /proc/<pid> (default: the process listening on the server's port, if visible).")
    var serverPid: Int?
    @Option(help: "Prometheus endpoint to sample each second (default: <server>/metrics; 'none' to skip).")
    var metrics: String?

    var thresholds: Thresholds {
        Thresholds(maxP50LatencyMs: maxP50LatencyMs, maxP99LatencyMs: maxP99LatencyMs, maxJoinP99Ms: maxJoinP99Ms,
                   maxFreezes: maxFreezes, maxLossPercent: maxLossPercent, minDecodedPercent: minDecodedPercent)
    }
}
