/// The report as one self-contained HTML page (`--html`): the summary rows, charts of bitrate,
/// latency, loss, viewers and the server's CPU and memory over time as inline SVG, and a row per
/// viewer. No script and nothing fetched: it opens from a file, offline, in any browser.
public enum HTMLReport {
    /// Rows of the per-viewer table shown (the JSON has them all).
    public static let viewerRows = 500

    public static func charts(_ r: LoadReport) -> [SVGChart] {
        [
            SVGChart(title: "Received bitrate, all viewers", series: [r.timeSeries.bitrateKbps]),
            SVGChart(title: "Glass-to-glass latency", series: [r.timeSeries.latencyP50Milliseconds, r.timeSeries.latencyP99Milliseconds]),
            SVGChart(title: "Server CPU", series: [r.server.cpuPercent]),
            SVGChart(title: "Server resident memory", series: [r.server.rssMegabytes]),
            SVGChart(title: "Packet loss", series: [r.timeSeries.lossPercent]),
            SVGChart(title: "Viewers connected", series: [r.timeSeries.viewersConnected]),
        ]
    }

    public static func render(_ r: LoadReport) -> String {
        var out = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>chobi-load report</title>
            <style>body{font-family:sans-serif;margin:2em;max-width:80em}table{border-collapse:collapse}
            td,th{border:1px solid #ccc;padding:2px 8px;text-align:left;font-size:13px}th{background:#f4f4f4}
            .failed{color:#b00;font-weight:bold}figure{margin:1em 0}</style></head><body>
            <h1>chobi-load report</h1>

            """
        out += "<p>\(XMLText.escape(r.scenario.server))</p>\n"
        if !r.failures.isEmpty {
            out += "<p class=\"failed\">Thresholds missed: \(XMLText.escape(r.failures.joined(separator: "; ")))</p>\n"
        }
        out += "<table>\n"
        for row in ReportSummary.rows(r) {
            out += "<tr><th>\(XMLText.escape(row.label))</th><td>\(XMLText.escape(row.value))</td></tr>\n"
        }
        out += "</table>\n"
        for chart in charts(r) {
            out += "<figure>\(chart.svg)</figure>\n"
        }
        out += "<h2>Viewers</h2>\n<table>\n<tr>"
        for title in ["room", "slot", "decodes", "joined at s", "left at s", "join ms", "decoded %", "fps", "freezes",
                      "latency p50 ms", "p99 ms", "packets", "lost", "jitter ms", "NACKs", "PLIs", "kbit/s"] {
            out += "<th>\(title)</th>"
        }
        out += "</tr>\n"
        for v in r.viewers.prefix(viewerRows) {
            let cells: [String] = [
                "\(v.room)", "\(v.slot)", v.decodes ? "yes" : "no", ReportSummary.f(v.joinedAt),
                v.leftAt.map { ReportSummary.f($0) } ?? "", v.joinMilliseconds.map { ReportSummary.f($0) } ?? "",
                ReportSummary.f(v.decodedPercent), ReportSummary.f(v.fps), "\(v.freezes)",
                v.latencyMilliseconds.map { ReportSummary.f($0.p50) } ?? "", v.latencyMilliseconds.map { ReportSummary.f($0.p99) } ?? "",
                "\(v.packets)", "\(v.packetsLost)", ReportSummary.f(v.jitterMilliseconds), "\(v.nacksSent)", "\(v.plisSent)", ReportSummary.f(v.bitrateKbps),
            ]
            out += "<tr>" + cells.map { "<td>\(XMLText.escape($0))</td>" }.joined() + "</tr>\n"
        }
        out += "</table>\n"
        if r.viewers.count > viewerRows { out += "<p>\(r.viewers.count - viewerRows) more viewers in the JSON report.</p>\n" }
        out += "</body></html>\n"
        return out
    }
}
