// The line-level reader: checks bounds and characters, enforces RFC 8866's line order, and
// validates every attribute the module has a type for, so errors point at a line.

struct SDPParser {
    /// Where in the description the reader is.
    private enum Place { case start, session, media }

    private var session: SessionDescription
    private var place = Place.start
    private var lastOrder = -1
    private var sawVersion = false, sawOrigin = false, sawName = false
    /// The section being read; mutated in place (an optional copy would copy its attributes on every line).
    private var current = MediaDescription(kind: .audio, proto: "", formats: [])
    private var hasCurrent = false
    private var sectionCheck = SectionCheck()
    private var groupLines: [(MediaGroup, Int)] = []
    private var midLines: [String: Int] = [:]

    private init() {
        session = SessionDescription(origin: Origin(sessionID: 0, sessionVersion: 0), sessionName: "", timings: [])
    }

    static func parse(_ bytes: [UInt8]) throws(SDPError) -> SessionDescription {
        let lines = try lexicalLines(bytes)
        let text = ByteText(bytes: bytes)
        var parser = SDPParser()
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let number = index + 1
            index += 1
            if line.isEmpty {
                // Blank lines are tolerated only at the very end (some peers add one).
                guard lines[index...].allSatisfy(\.isEmpty) else {
                    throw .unexpectedLine(line: number, reason: "blank line")
                }
                break
            }
            guard line.upperBound - line.lowerBound >= 2, bytes[line.lowerBound + 1] == 0x3D else {
                throw .unexpectedLine(line: number, reason: "not <type>=<value>")
            }
            try parser.line(bytes[line.lowerBound], text, (line.lowerBound + 2)..<line.upperBound, number)
        }
        return try parser.finish()
    }

    /// The character-level pass over the whole input, before any structure is read: size and
    /// line-length limits, no NUL, CR only before LF (RFC 8866 byte-string), UTF-8 text.
    /// Returns each line's content range (line ending excluded).
    private static func lexicalLines(_ bytes: [UInt8]) throws(SDPError) -> [Range<Int>] {
        guard bytes.count <= SDPLimits.maxInputBytes else {
            throw .inputTooLarge(size: bytes.count, limit: SDPLimits.maxInputBytes)
        }
        var lines: [Range<Int>] = []
        let n = bytes.count
        var start = 0
        while start < n {
            var end = start
            var nonASCII = false
            var crAt = -1
            while end < n {
                let c = bytes[end]
                if c == 0x0A { break }
                if crAt >= 0 || c == 0 { throw .invalidCharacters(line: lines.count + 1) }
                if c == 0x0D { crAt = end } else if c >= 0x80 { nonASCII = true }
                end += 1
            }
            // A CR is allowed only as the last byte before the LF (or the end).
            let contentEnd = crAt >= 0 ? crAt : end
            guard contentEnd - start <= SDPLimits.maxLineBytes else {
                throw .lineTooLong(line: lines.count + 1, limit: SDPLimits.maxLineBytes)
            }
            if nonASCII, String(validating: bytes[start..<contentEnd], as: UTF8.self) == nil {
                throw .invalidCharacters(line: lines.count + 1)
            }
            lines.append(start..<contentEnd)
            start = end + 1
        }
        return lines
    }

    /// RFC 8866 5: session lines come in the order v o s i u e p c b t r z k a, media lines in
    /// the order m i c b k a; nil for letters not allowed at this place.
    private static func order(of letter: UInt8, in place: Place) -> Int? {
        if place == .media {
            switch letter {
            case 0x69: return 1 // i
            case 0x63: return 2 // c
            case 0x62: return 3 // b
            case 0x6B: return 4 // k
            case 0x61: return 5 // a
            default: return nil
            }
        }
        switch letter {
        case 0x76: return 0 // v
        case 0x6F: return 1 // o
        case 0x73: return 2 // s
        case 0x69: return 3 // i
        case 0x75: return 4 // u
        case 0x65: return 5 // e
        case 0x70: return 6 // p
        case 0x63: return 7 // c
        case 0x62: return 8 // b
        case 0x74: return 9 // t
        case 0x72: return 10 // r
        case 0x7A: return 11 // z
        case 0x6B: return 12 // k
        case 0x61: return 13 // a
        default: return nil
        }
    }

    /// e, p, b, t, r and a may repeat at their place.
    private static func isRepeatable(_ letter: UInt8) -> Bool {
        letter == 0x65 || letter == 0x70 || letter == 0x62 || letter == 0x74 || letter == 0x72 || letter == 0x61
    }

    private mutating func line(_ letter: UInt8, _ t: ByteText, _ value: Range<Int>, _ number: Int) throws(SDPError) {
        if letter == 0x6D {
            try startMedia(t, value, number)
            return
        }
        guard let order = SDPParser.order(of: letter, in: place) else {
            throw .unexpectedLine(line: number, reason: "`\(Character(UnicodeScalar(letter)))=` is not allowed here")
        }
        let isTAfterR = letter == 0x74 && lastOrder == 10 && place == .session
        guard order > lastOrder || (order == lastOrder && SDPParser.isRepeatable(letter)) || isTAfterR else {
            throw .unexpectedLine(line: number, reason: "`\(Character(UnicodeScalar(letter)))=` out of order")
        }
        if place == .start, letter != 0x76 {
            throw .unexpectedLine(line: number, reason: "the description must start with v=")
        }
        if place == .session, order > 2, !(sawVersion && sawOrigin && sawName) {
            throw .missingLine(sawOrigin ? "s=" : "o=")
        }
        lastOrder = order
        do throws(SDPError) {
            if place == .media {
                try applyMedia(letter, t, value, number)
            } else {
                try applySession(letter, t, value, number)
            }
        } catch {
            throw error.at(line: number)
        }
    }

    private mutating func applyMedia(_ letter: UInt8, _ t: ByteText, _ value: Range<Int>, _ number: Int) throws(SDPError) {
        switch letter {
        case 0x69: current.information = t.string(value)
        case 0x63: current.connection = try Connection(t, value)
        case 0x62: current.bandwidths.append(try Bandwidth(t, value))
        case 0x6B: current.encryptionKey = t.string(value)
        default:
            guard current.attributes.count < SDPLimits.maxAttributesPerSection else {
                throw .limitExceeded(line: number, what: "attributes in a section", limit: SDPLimits.maxAttributesPerSection)
            }
            let attribute = try attributeLine(t, value, number)
            if attribute.name == "mid", let mid = attribute.value {
                let key = SDPText.trimmed(mid)
                guard midLines[key] == nil else {
                    throw .malformed(line: number, field: "mid", reason: "mid \(key) used by two sections")
                }
                midLines[key] = number
            }
            current.attributes.append(attribute)
        }
    }

    private mutating func applySession(_ letter: UInt8, _ t: ByteText, _ value: Range<Int>, _ number: Int) throws(SDPError) {
        switch letter {
        case 0x76:
            guard t.equals(value, "0") else { throw .invalidValue(field: "v=", reason: "only version 0 exists") }
            sawVersion = true
            place = .session
        case 0x6F:
            session.origin = try Origin(t, value)
            sawOrigin = true
        case 0x73:
            session.sessionName = t.string(value)
            sawName = true
        case 0x69: session.information = t.string(value)
        case 0x75: session.uri = t.string(value)
        case 0x65: session.emails.append(t.string(value))
        case 0x70: session.phones.append(t.string(value))
        case 0x63: session.connection = try Connection(t, value)
        case 0x62: session.bandwidths.append(try Bandwidth(t, value))
        case 0x74: session.timings.append(try Timing(t, value))
        case 0x72:
            guard !session.timings.isEmpty else { throw .unexpectedLine(line: number, reason: "r= without t=") }
            session.timings[session.timings.count - 1].repeats.append(t.string(value))
        case 0x7A: session.timeZones = t.string(value)
        case 0x6B: session.encryptionKey = t.string(value)
        default:
            guard session.attributes.count < SDPLimits.maxAttributesPerSection else {
                throw .limitExceeded(line: number, what: "session attributes", limit: SDPLimits.maxAttributesPerSection)
            }
            let attribute = try attributeLine(t, value, number)
            if attribute.name == MediaGroup.attributeName {
                groupLines.append((try MediaGroup(parsing: attribute.value ?? ""), number))
            }
            session.attributes.append(attribute)
        }
    }

    private mutating func startMedia(_ t: ByteText, _ value: Range<Int>, _ number: Int) throws(SDPError) {
        guard place != .start else { throw .unexpectedLine(line: number, reason: "the description must start with v=") }
        guard sawVersion, sawOrigin, sawName else { throw .missingLine(sawOrigin ? "s=" : "o=") }
        guard !session.timings.isEmpty else { throw .missingLine("t=") }
        guard session.media.count + (hasCurrent ? 1 : 0) < SDPLimits.maxMediaSections else {
            throw .limitExceeded(line: number, what: "media sections", limit: SDPLimits.maxMediaSections)
        }
        if hasCurrent { session.media.append(current) }
        do throws(SDPError) {
            current = try MediaDescription(mediaLine: t, value)
        } catch {
            throw error.at(line: number)
        }
        hasCurrent = true
        place = .media
        lastOrder = 0
        sectionCheck = SectionCheck()
    }

    /// Splits `name[:value]`, checks the name, and validates values of known attributes.
    private mutating func attributeLine(_ t: ByteText, _ r: Range<Int>, _ number: Int) throws(SDPError) -> Attribute {
        let (name, value) = t.splitFirst(r, 0x3A)
        var valueText: String?
        if let value { valueText = t.string(value) }
        if let kind = AttributeKind.identify(t, name) {
            try sectionCheck.validate(kind, t, value, inMedia: place == .media)
            return Attribute(kind.rawValue, valueText)
        }
        guard t.isToken(name) else { throw .malformed(line: number, field: "a=", reason: "attribute name must be a token") }
        return Attribute(t.string(name), valueText)
    }

    private mutating func finish() throws(SDPError) -> SessionDescription {
        guard sawVersion else { throw .missingLine("v=") }
        guard sawOrigin else { throw .missingLine("o=") }
        guard sawName else { throw .missingLine("s=") }
        guard !session.timings.isEmpty else { throw .missingLine("t=") }
        if hasCurrent { session.media.append(current) }
        for (group, number) in groupLines {
            for mid in group.mids where midLines[mid] == nil {
                throw .malformed(line: number, field: "group", reason: "mid \(mid) names no section")
            }
        }
        return session
    }
}
