import Foundation
import SyntheticMedia

/// What a run measured, as the table at the end and the JSON file (`--json`): per viewer and
/// summed up, from the viewers' own decoders and the publisher's own counters.
struct LoadReport: Codable {
    struct Spread: Codable {
        var p50: Double
        var p95: Double
        var p99: Double
        var count: Int

        init?(_ samples: [Double]) {
            guard !samples.isEmpty else { return nil }
            let sorted = samples.sorted()
            func at(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }
            p50 = at(0.5)
            p95 = at(0.95)
            p99 = at(0.99)
            count = sorted.count
        }
    }

    struct Scenario: Codable {
        var server: String
        var room: String
        var viewers: Int
        var decoding: Int
        var seconds: Double
        var width: Int
        var height: Int
        var fps: Int
        var bitrate: Int
    }

    struct Publisher: Codable {
        var framesSent: Int
        var keyframesSent: Int
        var keyframeRequests: Int
        var nacksAnswered: Int
        var packetsSent: Int
    }

    struct Viewer: Codable {
        var index: Int
        var decodes: Bool
        var joinMilliseconds: Double?
        var framesDecoded: Int
        var framesAssembled: Int
        var framesMissing: Int
        /// Pictures the decoder refused or whose stamp did not read (each asks for a keyframe).
        var decodeFailures: Int
        /// Decoded ÷ (decoded + missing) between its first and last frame, in percent.
        var decodedPercent: Double
        var fps: Double
        var freezes: Int
        var latencyMilliseconds: Spread?
        var packets: Int
        var badPackets: Int
    }

    var scenario: Scenario
    var publisher: Publisher
    var joinMilliseconds: Spread?
    /// Glass to glass: capture stamp drawn into the picture → picture decoded, one clock.
    var latencyMilliseconds: Spread?
    var minDecodedPercent: Double
    var meanFPS: Double
    var freezes: Int
    var viewers: [Viewer]

    init(scenario: Scenario, publisher: LoadPublisher, viewers: LoadViewers, watchedSeconds: Double) {
        self.scenario = scenario
        self.publisher = Publisher(framesSent: publisher.track.framesSent, keyframesSent: publisher.track.keyframesSent,
                                   keyframeRequests: publisher.keyframeRequests, nacksAnswered: publisher.nacksAnswered,
                                   packetsSent: publisher.track.packetsSent)
        var all: [Double] = []
        var joins: [Double] = []
        self.viewers = viewers.members.enumerated().map { index, member in
            let track = member.track
            let latencies = track.latencies.map(Double.init)
            if track.decodes { all += latencies }
            let join = track.firstDecodedAt.map { Double($0 &- member.requestedAt) }
            if let join { joins.append(join) }
            let counted = track.framesDecoded + track.framesMissing
            return Viewer(index: index, decodes: track.decodes, joinMilliseconds: join, framesDecoded: track.framesDecoded,
                          framesAssembled: track.framesAssembled, framesMissing: track.framesMissing,
                          decodeFailures: track.decodeFailures,
                          decodedPercent: counted == 0 ? 0 : 100 * Double(track.framesDecoded) / Double(counted),
                          fps: Double(track.decodes ? track.framesDecoded : track.framesAssembled) / max(0.001, watchedSeconds),
                          freezes: track.freezes, latencyMilliseconds: Spread(latencies), packets: track.packets,
                          badPackets: track.badPackets)
        }
        joinMilliseconds = Spread(joins)
        latencyMilliseconds = Spread(all)
        let decoding = self.viewers.filter(\.decodes)
        minDecodedPercent = decoding.map(\.decodedPercent).min() ?? 0
        meanFPS = self.viewers.isEmpty ? 0 : self.viewers.map(\.fps).reduce(0, +) / Double(self.viewers.count)
        freezes = self.viewers.map(\.freezes).reduce(0, +)
    }

    var table: String {
        func ms(_ spread: Spread?) -> String {
            spread.map { String(format: "%.1f / %.1f / %.1f ms", $0.p50, $0.p95, $0.p99) } ?? "none"
        }
        return """
            viewers               \(viewers.count) (\(viewers.filter(\.decodes).count) decoding)
            publisher             \(publisher.framesSent) frames sent, \(publisher.keyframesSent) keyframes, \(publisher.keyframeRequests) PLI/FIR, \(publisher.nacksAnswered) NACKed packets resent
            join (p50/p95/p99)    \(ms(joinMilliseconds))
            latency (p50/p95/p99) \(ms(latencyMilliseconds))   glass to glass, from the picture's own stamp
            decoded               \(String(format: "%.1f", minDecodedPercent)) % of frames at the worst viewer
            fps                   \(String(format: "%.1f", meanFPS)) per viewer on average
            freezes (> 200 ms)    \(freezes)
            """
    }
}
