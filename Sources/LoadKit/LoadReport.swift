/// What a `chobi-load` run measured: the JSON file (`--json`), the table, the HTML page and the
/// thresholds all read this one value. Every figure comes from the tool's own peers (decoders,
/// sequence numbers, counters) or from the server's `/metrics` and `/proc`; docs/load.md lists
/// the fields. Built by the tool, pure data here so it can be tested.
public struct LoadReport: Codable, Sendable {
    public struct Scenario: Codable, Sendable {
        public var server = ""
        /// `session` (accounts and live sessions through the control API), `minted` (room tokens
        /// from the server's key) or `wish` (plain WHIP/WHEP with given URLs and tokens).
        public var mode = "session"
        /// How the peers reached the media port: `udp`, or `tcp` (ICE-TCP, `--ice-tcp`).
        public var transport = "udp"
        public var rooms = 1
        public var hosts = true
        public var guests = 0
        public var viewersPerRoom = 0
        public var decoding = 0
        public var seconds = 0.0
        public var rampPerSecond: Double?
        public var churnPerSecond = 0.0
        public var width = 0
        public var height = 0
        public var fps = 0
        public var bitrate = 0
        public var chatPerSecond = 0.0
        public var giftsPerSecond = 0.0
        public var media = MediaScenario()
        public init() {}
    }

    public struct Publisher: Codable, Sendable {
        public var room = 0
        public var role = "host"
        public var framesSent = 0
        public var keyframesSent = 0
        /// PLI/FIR the server sent this publisher.
        public var keyframeRequests = 0
        /// Packets resent because the server NACKed them.
        public var nacksAnswered = 0
        public var packetsSent = 0
        public var audioPacketsSent = 0
        /// Video layers, lowest first.
        public var layers: [Layer] = []
        /// With `--impair-host`: what the send path's impairment did.
        public var network: Network?
        public init() {}
    }

    public struct Viewer: Codable, Sendable {
        public var room = 0
        public var slot = 0
        public var decodes = true
        /// Seconds after the start when it asked to join, and when it left (churn), if it did.
        public var joinedAt = 0.0
        public var leftAt: Double?
        /// WHEP request → a decoded picture from every publisher it watches (without decoding:
        /// an assembled frame from each).
        public var joinMilliseconds: Double?
        public var publishersSeen = 0
        public var framesDecoded = 0
        public var framesAssembled = 0
        public var framesMissing = 0
        public var decodeFailures = 0
        /// Decoded ÷ (decoded + missing) between its first and last frame, the worst of its
        /// publishers, in percent.
        public var decodedPercent = 0.0
        public var fps = 0.0
        public var freezes = 0
        public var latencyMilliseconds: Spread?
        public var packets = 0
        public var packetsLost = 0
        public var lossPercent = 0.0
        /// RFC 3550 interarrival jitter of its video at the end (the worst of its publishers).
        public var jitterMilliseconds = 0.0
        public var nacksSent = 0
        public var plisSent = 0
        public var bitrateKbps = 0.0
        public var badPackets = 0
        public var media = ViewerMedia()
        public init() {}
    }

    public struct Loss: Codable, Sendable {
        public var packetsExpected = 0
        public var packetsLost = 0
        public var percent = 0.0
        public init() {}
    }

    public struct Feedback: Codable, Sendable {
        public var sentByViewers = 0
        public var receivedByPublishers = 0
        public init() {}
    }

    public struct Peers: Codable, Sendable {
        public var publishers = 0
        public var viewers = 0
        public var joinFailures = 0
        /// Why joins failed, by reason.
        public var failureReasons: [String: Int] = [:]
        public var churnLeaves = 0
        public var churnJoins = 0
        public init() {}
    }

    public struct ServerUsage: Codable, Sendable {
        /// Where the figures came from: `metrics` (`/metrics` process_* series) and/or `proc`
        /// (`/proc/<pid>`, when the server runs on this machine).
        public var sources: [String] = []
        public var pid: Int?
        /// CPU used by the server, percent of one core, per second.
        public var cpuPercent = TimeSeries(name: "server CPU", unit: "% of a core")
        /// Resident memory, MiB.
        public var rssMegabytes = TimeSeries(name: "server RSS", unit: "MiB")
        /// The same from `/metrics` alone (also when `/proc` was read), to compare the two.
        public var metricsCPUPercent = TimeSeries(name: "server CPU (/metrics)", unit: "% of a core")
        public var metricsRSSMegabytes = TimeSeries(name: "server RSS (/metrics)", unit: "MiB")
        public var meanCPUPercent: Double?
        public var peakRSSMegabytes: Double?
        /// Scrapes of `/metrics` that failed.
        public var scrapeFailures = 0
        public init() {}
    }

    public struct Series: Codable, Sendable {
        public var viewersConnected = TimeSeries(name: "viewers connected", unit: "viewers")
        /// All viewers together, kbit/s.
        public var bitrateKbps = TimeSeries(name: "received bitrate", unit: "kbit/s")
        public var latencyP50Milliseconds = TimeSeries(name: "latency p50", unit: "ms")
        public var latencyP99Milliseconds = TimeSeries(name: "latency p99", unit: "ms")
        public var lossPercent = TimeSeries(name: "packet loss", unit: "%")
        public var framesPerSecond = TimeSeries(name: "frames decoded", unit: "frames/s")
        public init() {}
    }

    public var tool = "chobi-load"
    public var scenario = Scenario()
    /// Seconds spent creating accounts and sessions before the first peer joined.
    public var setupSeconds = 0.0
    public var peers = Peers()
    public var publishers: [Publisher] = []
    public var joinMilliseconds: Spread?
    /// Joins of churn viewers only (also in `joinMilliseconds`).
    public var churnJoinMilliseconds: Spread?
    /// Glass to glass: capture stamp drawn into the picture → picture decoded, one clock.
    public var latencyMilliseconds: Spread?
    public var minDecodedPercent = 0.0
    public var meanFPS = 0.0
    public var freezes = 0
    public var freezesPerViewer: Spread?
    public var maxFreezesPerViewer = 0
    public var loss = Loss()
    public var nacks = Feedback()
    public var plis = Feedback()
    /// Mean received bitrate per viewer, kbit/s.
    public var meanBitrateKbps = 0.0
    /// The viewers' video interarrival jitter (RFC 3550): their mean and the worst.
    public var meanJitterMilliseconds = 0.0
    public var maxJitterMilliseconds = 0.0
    public var audioSummary: AudioSummary?
    public var chat: DeliveryLog.Summary?
    public var gifts: DeliveryLog.Summary?
    public var server = ServerUsage()
    public var timeSeries = Series()
    public var viewers: [Viewer] = []
    /// Thresholds missed (`--max-…`, `--min-…`); empty when all held.
    public var failures: [String] = []

    public init() {}

    /// Fills the summary figures from `viewers` and `publishers`.
    public mutating func summarize(latencies: [Double], joins: [Double], churnJoins: [Double]) {
        latencyMilliseconds = Spread(latencies)
        joinMilliseconds = Spread(joins)
        churnJoinMilliseconds = Spread(churnJoins)
        let decoding = viewers.filter(\.decodes)
        minDecodedPercent = decoding.map(\.decodedPercent).min() ?? 0
        meanFPS = viewers.isEmpty ? 0 : viewers.map(\.fps).reduce(0, +) / Double(viewers.count)
        freezes = viewers.map(\.freezes).reduce(0, +)
        freezesPerViewer = Spread(viewers.map { Double($0.freezes) })
        maxFreezesPerViewer = viewers.map(\.freezes).max() ?? 0
        loss.packetsLost = viewers.map(\.packetsLost).reduce(0, +)
        loss.packetsExpected = viewers.map { $0.packets + $0.packetsLost }.reduce(0, +)
        loss.percent = loss.packetsExpected == 0 ? 0 : 100 * Double(loss.packetsLost) / Double(loss.packetsExpected)
        nacks.sentByViewers = viewers.map(\.nacksSent).reduce(0, +)
        nacks.receivedByPublishers = publishers.map(\.nacksAnswered).reduce(0, +)
        plis.sentByViewers = viewers.map(\.plisSent).reduce(0, +)
        plis.receivedByPublishers = publishers.map(\.keyframeRequests).reduce(0, +)
        meanBitrateKbps = viewers.isEmpty ? 0 : viewers.map(\.bitrateKbps).reduce(0, +) / Double(viewers.count)
        meanJitterMilliseconds = viewers.isEmpty ? 0 : viewers.map(\.jitterMilliseconds).reduce(0, +) / Double(viewers.count)
        maxJitterMilliseconds = viewers.map(\.jitterMilliseconds).max() ?? 0
        audioSummary = AudioSummary(viewers.map(\.media))
        server.meanCPUPercent = server.cpuPercent.isEmpty
            ? nil : server.cpuPercent.points.map(\.value).reduce(0, +) / Double(server.cpuPercent.points.count)
        server.peakRSSMegabytes = server.rssMegabytes.maxValue
    }
}
