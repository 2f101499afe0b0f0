import LoadKit
import SyntheticPeers

/// Puts the run's report together from what its peers counted: each viewer's line, the
/// publishers' counters, the joins that failed, chat and gift deliveries, the per-second series
/// and the server's usage (the figures' meaning: `LoadKit.LoadReport` and docs/load.md).
struct LoadReportBuilder {
    let config: LoadConfiguration
    let setupSeconds: Double
    let duration: Double

    func build(publishers: [(room: Int, role: String, publisher: LoadPublisher)], viewers: [LoadViewer],
               joinFailures: [String: Int], chat: DeliveryLog, gifts: DeliveryLog, series: LoadReport.Series,
               server: LoadReport.ServerUsage) -> LoadReport {
        var report = LoadReport()
        report.scenario.server = config.base.absoluteString
        report.scenario.mode = config.mode.rawValue
        report.scenario.transport = config.transport == .tcp ? "tcp" : "udp"
        report.scenario.rooms = config.shape.rooms
        report.scenario.hosts = config.shape.hosts
        report.scenario.guests = config.shape.guests
        report.scenario.viewersPerRoom = config.shape.viewers
        report.scenario.decoding = config.decodingPerRoom
        report.scenario.seconds = duration
        report.scenario.rampPerSecond = config.shape.rampPerSecond
        report.scenario.churnPerSecond = config.shape.churnPerSecond
        (report.scenario.width, report.scenario.height) = (config.width, config.height)
        (report.scenario.fps, report.scenario.bitrate) = (config.fps, config.bitrate)
        report.scenario.chatPerSecond = config.chatPerSecond
        report.scenario.giftsPerSecond = config.giftsPerSecond
        report.scenario.media = Self.scenario(config.media)
        report.setupSeconds = setupSeconds

        report.publishers = publishers.map { entry in
            var p = LoadReport.Publisher()
            p.room = entry.room
            p.role = entry.role
            p.framesSent = entry.publisher.track.framesSent
            p.keyframesSent = entry.publisher.track.keyframesSent
            p.keyframeRequests = entry.publisher.keyframeRequests
            p.nacksAnswered = entry.publisher.nacksAnswered
            p.packetsSent = entry.publisher.track.packetsSent
            p.audioPacketsSent = entry.publisher.audio?.packetsSent ?? 0
            p.layers = entry.publisher.layers.map { track in
                var layer = LoadReport.Layer()
                (layer.rid, layer.width, layer.height) = (track.settings.rid, track.settings.width, track.settings.height)
                (layer.framesSent, layer.keyframesSent) = (track.framesSent, track.keyframesSent)
                layer.keyframeRequests = entry.publisher.keyframeRequestsByWidth[track.settings.width] ?? 0
                return layer
            }
            p.network = entry.publisher.impairment.map(LoadReport.Network.init)
            return p
        }
        let ordered = viewers.sorted { ($0.room, $0.slot) < ($1.room, $1.slot) }
        report.viewers = ordered.map { $0.report(end: duration) }
        report.peers.publishers = publishers.count
        report.peers.viewers = viewers.count
        report.peers.joinFailures = joinFailures.values.reduce(0, +)
        report.peers.failureReasons = joinFailures
        report.peers.churnJoins = ordered.filter(\.churned).count
        report.peers.churnLeaves = ordered.filter { $0.leftAt != nil }.count
        let latencies = ordered.filter(\.decodes).flatMap { $0.streams.values.flatMap(\.track.latencies) }.map(Double.init)
        let chatSummary = chat.summary()
        let giftSummary = gifts.summary()
        report.chat = config.chatPerSecond > 0 ? chatSummary : nil
        report.gifts = config.giftsPerSecond > 0 ? giftSummary : nil
        report.timeSeries = series
        report.server = server
        // Last: the summary reads the viewers' lines and the server's series.
        report.summarize(latencies: latencies, joins: ordered.compactMap(\.joinMilliseconds),
                         churnJoins: ordered.filter(\.churned).compactMap(\.joinMilliseconds))
        return report
    }

    private static func scenario(_ media: MediaSetup) -> LoadReport.MediaScenario {
        var scenario = LoadReport.MediaScenario()
        (scenario.audio, scenario.simulcast) = (media.audio, media.simulcast)
        scenario.lossPercent = media.impairment.lossPercent
        scenario.burstLoss = media.burstLoss
        scenario.jitterMilliseconds = media.impairment.jitterMilliseconds
        scenario.delayMilliseconds = media.impairment.delayMilliseconds
        scenario.capKbps = media.impairment.capBitsPerSecond.map { $0 / 1000 }
        (scenario.seed, scenario.impairHost) = (media.seed, media.impairHost)
        scenario.transportCC = media.transportCC
        return scenario
    }
}

extension LoadReport.Network {
    init(_ impairment: NetworkImpairment) {
        self.init()
        (packets, dropped, lostRandomly) = (impairment.admitted, impairment.dropped, impairment.lostRandomly)
        (lostInBursts, droppedQueueFull) = (impairment.lostInBursts, impairment.droppedQueueFull)
    }
}
