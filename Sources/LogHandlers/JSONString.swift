/// JSON string literals (RFC 8259) that survive any text: quotes and backslashes escaped, control
/// characters and everything beyond ASCII as `\u` escapes (astral characters as surrogate pairs),
/// so a hostile chat line or user name cannot end the object early, start a new log line, or
/// trip a collector that mishandles UTF-8.
enum JSONString {
    static func append(_ text: String, to out: inout String) {
        out.unicodeScalars.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case " "..."~": out.unicodeScalars.append(scalar)
            default:
                for unit in String(scalar).utf16 { appendEscape(unit, to: &out) }
            }
        }
        out.unicodeScalars.append("\"")
    }

    private static let hexDigits = Array("0123456789abcdef".unicodeScalars)

    private static func appendEscape(_ unit: UInt16, to out: inout String) {
        out += "\\u"
        for shift in stride(from: 12, through: 0, by: -4) {
            out.unicodeScalars.append(hexDigits[Int((unit >> UInt16(shift)) & 0xF)])
        }
    }
}
