import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import LoadKit

/// The HTML report: self-contained, its charts well-formed SVG whose lines go through the
/// measured points, and text from the run escaped.
struct HTMLReportTests {
    /// Every element and attribute of one SVG document, as XMLParser reads them.
    final class SVGReader: NSObject, XMLParserDelegate {
        var elements: [(name: String, attributes: [String: String])] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String]) {
            elements.append((name, attributes))
        }
    }

    static func parse(_ svg: String) -> (ok: Bool, reader: SVGReader) {
        let reader = SVGReader()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = reader
        return (parser.parse(), reader)
    }

    static func sampleReport() -> LoadReport {
        var report = LoadReport()
        report.scenario.server = "http://127.0.0.1:8080/<script>"
        for t in 1...10 {
            report.timeSeries.bitrateKbps.append(t: Double(t), Double(t * 100))
            report.timeSeries.latencyP50Milliseconds.append(t: Double(t), 5 + Double(t % 3))
            report.server.cpuPercent.append(t: Double(t), 40)
            report.server.rssMegabytes.append(t: Double(t), 30 + Double(t))
        }
        var viewer = LoadReport.Viewer()
        viewer.decodedPercent = 100
        viewer.fps = 30
        report.viewers = [viewer]
        report.summarize(latencies: [5, 6, 7], joins: [80], churnJoins: [])
        report.failures = ["latency p99 300 ms > 200 ms & more"]
        return report
    }

    @Test func chartLinesGoThroughThePoints() throws {
        var series = TimeSeries(name: "bitrate", unit: "kbit/s")
        for t in 0...4 { series.append(t: Double(t), Double(t * 250)) }
        let chart = SVGChart(title: "Bitrate <all>", series: [series])
        let (ok, reader) = Self.parse(chart.svg)
        #expect(ok)
        #expect(reader.elements.first?.name == "svg")
        let polyline = try #require(reader.elements.first { $0.name == "polyline" })
        let points = try #require(polyline.attributes["points"]).split(separator: " ").map { pair in
            pair.split(separator: ",").compactMap { Double($0) }
        }
        #expect(points.count == 5)
        // y axis to 1000 (a nice ceiling of the maximum), x to 4 s.
        for (index, point) in points.enumerated() {
            let expected = chart.position(t: Double(index), value: Double(index * 250), maxT: 4, maxY: 1000)
            #expect(abs(point[0] - expected.x) < 0.06 && abs(point[1] - expected.y) < 0.06)
        }
        // The first point is on the bottom axis, the last at the top right.
        #expect(points[0][1] > points[4][1])
        #expect(points[4][0] == chart.width - SVGChart.margin.right)
    }

    @Test func niceCeilings() {
        #expect(SVGChart.niceCeiling(0) == 1)
        #expect(SVGChart.niceCeiling(1000) == 1000)
        #expect(SVGChart.niceCeiling(1001) == 2000)
        #expect(SVGChart.niceCeiling(3.2) == 5)
        #expect(SVGChart.niceCeiling(0.07) == 0.1)
    }

    @Test func thePageIsSelfContainedWithAChartPerFigure() throws {
        let html = HTMLReport.render(Self.sampleReport())
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;"))
        #expect(!html.contains("http://www.w3.org/1999/xhtml\"") && !html.contains("src="))
        #expect(html.contains("Thresholds missed: latency p99 300 ms &gt; 200 ms &amp; more"))
        var svgs: [String] = []
        var rest = html[...]
        while let start = rest.range(of: "<svg"), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            svgs.append(String(rest[start.lowerBound..<end.upperBound]))
            rest = rest[end.upperBound...]
        }
        #expect(svgs.count == HTMLReport.charts(Self.sampleReport()).count)
        let parsed = svgs.map { Self.parse($0) }
        let wellFormed = parsed.filter { $0.ok }.count
        #expect(wellFormed == svgs.count)
        // Bitrate, latency, CPU and memory have data: one line each, with all ten points.
        let drawn = parsed.compactMap { $0.reader.elements.first { $0.name == "polyline" }?.attributes["points"] }
        #expect(drawn.count == 4)
        #expect(drawn.allSatisfy { $0.split(separator: " ").count == 10 })
        #expect(html.contains("(no data)"))
    }

    @Test func jsonCarriesEveryHeadlineField() throws {
        let data = try JSONEncoder().encode(Self.sampleReport())
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for field in ["scenario", "publishers", "peers", "joinMilliseconds", "latencyMilliseconds", "minDecodedPercent",
                      "meanFPS", "freezes", "freezesPerViewer", "loss", "nacks", "plis", "meanBitrateKbps", "server",
                      "timeSeries", "viewers", "failures"] {
            #expect(object[field] != nil, "\(field)")
        }
        let server = try #require(object["server"] as? [String: Any])
        let cpu = try #require(server["cpuPercent"] as? [String: Any])
        #expect((cpu["points"] as? [Any])?.count == 10)
    }
}
