import Foundation
import Testing
@testable import LoadKit

/// The media figures in the report: the audio summary over the viewers, and the JSON paths the
/// interop tests and dashboards read (`scenario.media`, `publishers[].layers`, `viewers[].media`).
struct MediaReportTests {
    static func viewer(audioPackets: Int?, lossPercent: Double = 0, decodeErrors: Int = 0) -> LoadReport.Viewer {
        var v = LoadReport.Viewer()
        if let audioPackets {
            var audio = LoadReport.ViewerMedia.Audio()
            (audio.packets, audio.lossPercent, audio.opusDecodeErrors) = (audioPackets, lossPercent, decodeErrors)
            v.media.audio = audio
        }
        return v
    }

    @Test func audioSummaryTakesTheFewestPacketsTheWorstLossAndEveryDecodeError() {
        var report = LoadReport()
        report.viewers = [Self.viewer(audioPackets: 400, lossPercent: 1.5, decodeErrors: 1),
                          Self.viewer(audioPackets: 380, lossPercent: 4, decodeErrors: 2),
                          Self.viewer(audioPackets: nil)]
        report.summarize(latencies: [], joins: [], churnJoins: [])
        #expect(report.audioSummary == LoadReport.AudioSummary([report.viewers[0].media, report.viewers[1].media]))
        #expect(report.audioSummary?.minPackets == 380)
        #expect(report.audioSummary?.maxLossPercent == 4)
        #expect(report.audioSummary?.opusDecodeErrors == 3)
    }

    @Test func noAudioAnywhereGivesNoSummary() {
        var report = LoadReport()
        report.viewers = [Self.viewer(audioPackets: nil)]
        report.summarize(latencies: [], joins: [], churnJoins: [])
        #expect(report.audioSummary == nil)
    }

    @Test func mediaFiguresSitWhereTheJSONReadersLookForThem() throws {
        var report = LoadReport()
        report.scenario.media.simulcast = 3
        var publisher = LoadReport.Publisher()
        var layer = LoadReport.Layer()
        (layer.rid, layer.width) = ("f", 640)
        publisher.layers = [layer]
        publisher.audioPacketsSent = 400
        report.publishers = [publisher]
        var viewer = Self.viewer(audioPackets: 390)
        viewer.media.framesByWidth = ["640": 200]
        report.viewers = [viewer]
        report.summarize(latencies: [], joins: [], churnJoins: [])
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any])
        let scenario = try #require(json["scenario"] as? [String: Any])
        #expect((scenario["media"] as? [String: Any])?["simulcast"] as? Int == 3)
        let publishers = try #require(json["publishers"] as? [[String: Any]])
        #expect(publishers.first?["audioPacketsSent"] as? Int == 400)
        #expect(((publishers.first?["layers"] as? [[String: Any]])?.first)?["rid"] as? String == "f")
        let media = try #require((json["viewers"] as? [[String: Any]])?.first?["media"] as? [String: Any])
        #expect((media["audio"] as? [String: Any])?["packets"] as? Int == 390)
        #expect((media["framesByWidth"] as? [String: Int])?["640"] == 200)
        #expect((json["audioSummary"] as? [String: Any])?["minPackets"] as? Int == 390)
    }
}
