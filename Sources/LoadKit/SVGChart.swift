/// A line chart as inline SVG text: one polyline per series over a shared time axis, y from zero
/// to a rounded-up maximum, tick labels and a legend. No script, no external reference: the
/// report must open from a file on a machine with no network.
public struct SVGChart: Sendable {
    public var title: String
    public var series: [TimeSeries]
    public var width = 720.0
    public var height = 240.0
    static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd"]
    static let margin = (left: 56.0, right: 16.0, top: 28.0, bottom: 36.0)

    public init(title: String, series: [TimeSeries]) {
        self.title = title
        self.series = series
    }

    /// A "nice" axis top at or above `value` (1, 2 or 5 times a power of ten).
    public static func niceCeiling(_ value: Double) -> Double {
        guard value.isFinite, value > 0 else { return 1 }
        var power = 1.0
        while power * 10 <= value { power *= 10 }
        while power > value { power /= 10 }
        for step in [1.0, 2.0, 5.0, 10.0] where step * power >= value { return step * power }
        return 10 * power
    }

    /// Where a point lands in the drawing, given the axes' extents.
    public func position(t: Double, value: Double, maxT: Double, maxY: Double) -> (x: Double, y: Double) {
        let m = Self.margin
        let plotWidth = width - m.left - m.right
        let plotHeight = height - m.top - m.bottom
        let x = m.left + (maxT > 0 ? t / maxT : 0) * plotWidth
        let y = m.top + plotHeight * (1 - min(1, max(0, value / maxY)))
        return (x, y)
    }

    public var svg: String {
        let m = Self.margin
        let points = series.flatMap(\.points)
        let maxT = max(1, points.map(\.t).max() ?? 1)
        let maxY = Self.niceCeiling(points.map(\.value).max() ?? 0)
        let unit = series.first?.unit ?? ""
        var out = #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(Self.number(width))" height="\#(Self.number(height))" viewBox="0 0 \#(Self.number(width)) \#(Self.number(height))" role="img" aria-label="\#(XMLText.escape(title))">"#
        out += "<title>\(XMLText.escape(title))</title>"
        let heading = unit.isEmpty ? title : "\(title) (\(unit))"
        out += #"<text x="\#(Self.number(m.left))" y="18" font-size="13" font-family="sans-serif" font-weight="bold">\#(XMLText.escape(heading))</text>"#
        let bottom = height - m.bottom
        let right = width - m.right
        // Grid lines and labels at 0, ½ and the top of the y axis; the time axis at 0 and its end.
        for fraction in [0.0, 0.5, 1.0] {
            let y = m.top + (bottom - m.top) * (1 - fraction)
            out += #"<line x1="\#(Self.number(m.left))" y1="\#(Self.number(y))" x2="\#(Self.number(right))" y2="\#(Self.number(y))" stroke="rgb(221,221,221)"/>"#
            out += #"<text x="\#(Self.number(m.left - 4))" y="\#(Self.number(y + 4))" font-size="10" font-family="sans-serif" text-anchor="end">\#(Self.label(maxY * fraction))</text>"#
        }
        out += #"<text x="\#(Self.number(m.left))" y="\#(Self.number(bottom + 14))" font-size="10" font-family="sans-serif">0 s</text>"#
        out += #"<text x="\#(Self.number(right))" y="\#(Self.number(bottom + 14))" font-size="10" font-family="sans-serif" text-anchor="end">\#(Self.label(maxT)) s</text>"#
        for (index, line) in series.enumerated() {
            let color = Self.colors[index % Self.colors.count]
            let coordinates = line.points.map { point -> String in
                let p = position(t: point.t, value: point.value, maxT: maxT, maxY: maxY)
                return "\(Self.number(p.x)),\(Self.number(p.y))"
            }
            if !coordinates.isEmpty {
                out += #"<polyline fill="none" stroke="\#(color)" stroke-width="1.5" points="\#(coordinates.joined(separator: " "))"><title>\#(XMLText.escape(line.name))</title></polyline>"#
            }
            let legendX = m.left + 10 + Double(index) * 170
            out += #"<rect x="\#(Self.number(legendX))" y="\#(Self.number(bottom + 22))" width="10" height="3" fill="\#(color)"/>"#
            out += #"<text x="\#(Self.number(legendX + 14))" y="\#(Self.number(bottom + 27))" font-size="10" font-family="sans-serif">\#(XMLText.escape(line.name))\#(line.isEmpty ? " (no data)" : "")</text>"#
        }
        out += "</svg>"
        return out
    }

    /// Coordinates with one decimal, no exponent.
    static func number(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        let whole = Int(tenths / 10)
        let fraction = Int(abs(tenths.truncatingRemainder(dividingBy: 10)))
        let sign = tenths < 0 && whole == 0 ? "-" : ""
        return fraction == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    static func label(_ value: Double) -> String {
        value >= 100 || value == value.rounded() ? String(Int(value.rounded())) : number(value)
    }
}

/// Text and attribute values escaped for XML/HTML.
public enum XMLText {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
