/// The samples of a Prometheus text exposition (format 0.0.4), by series: `name` or
/// `name{labels}` exactly as written, to its value. Comments, blank lines and lines that do not
/// parse are skipped: a scrape is read for a few figures, never trusted to be well formed.
public enum PrometheusText {
    public static func samples(_ text: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let first = line.first, first != "#" else { continue }
            // Label values may hold spaces, so the series ends at the closing brace when there is
            // one; the value follows, then an optional timestamp.
            let series: Substring
            let rest: Substring
            if let brace = line.lastIndex(of: "}") {
                series = line[...brace]
                rest = line[line.index(after: brace)...]
            } else if let space = line.firstIndex(of: " ") {
                series = line[..<space]
                rest = line[space...]
            } else {
                continue
            }
            guard let valueText = rest.split(separator: " ").first, let value = parse(valueText) else { continue }
            out[String(series)] = value
        }
        return out
    }

    static func parse(_ text: Substring) -> Double? {
        switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: Double(text)
        }
    }
}
