/// Reads a User-Agent header into a `UserAgent`: sans-I/O, no regular expressions, no allocation
/// beyond two bounded copies of the header, and total over any input (garbage gives `.unknown`).
///
/// User-Agents are a history of browsers pretending to be each other ("Mozilla/5.0 … Chrome/…
/// Safari/…" is Chrome, "… Chrome/… Edg/…" is Edge), so the order of the checks is the logic:
/// bots first (they borrow browser tokens), then the most specific browser token. Only the first
/// `maxBytes` bytes are read: real headers are far shorter, and a hostile one costs no more.
public enum UserAgentParser {
    public static let maxBytes = 512

    public static func parse(_ header: String?) -> UserAgent {
        guard let header else { return .unknown }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(header.utf8.count, maxBytes))
        for byte in header.utf8.prefix(maxBytes) { bytes.append(byte) }
        return parse(bytes: bytes)
    }

    public static func parse(bytes: some Collection<UInt8>) -> UserAgent {
        let text = Text(bytes.prefix(maxBytes))
        guard text.hasLetters else { return .unknown }
        if let bot = Self.bot(in: text) { return bot }
        let os = Self.operatingSystem(in: text)
        let browser = Self.browser(in: text)
        let device = Self.device(in: text, os: os.name, browser: browser.name)
        return UserAgent(device: device, os: os.name, osVersion: os.version, browser: browser.name,
                         browserVersion: browser.version)
    }

    // MARK: bots

    // Crawlers, link previewers, monitors and HTTP libraries. Matched lowercased anywhere in the
    // header; the version, if any, follows the matched token's "/".
    private static let bots: [(token: StaticString, name: String)] = [
        ("googlebot", "Googlebot"), ("bingbot", "Bingbot"), ("yandexbot", "YandexBot"),
        ("duckduckbot", "DuckDuckBot"), ("baiduspider", "Baiduspider"), ("applebot", "Applebot"),
        ("twitterbot", "Twitterbot"), ("slackbot", "Slackbot"), ("discordbot", "Discordbot"),
        ("facebookexternalhit", "Facebook"), ("linkedinbot", "LinkedInBot"), ("telegrambot", "TelegramBot"),
        ("whatsapp", "WhatsApp"), ("ahrefsbot", "AhrefsBot"), ("semrushbot", "SemrushBot"),
        ("gptbot", "GPTBot"), ("claudebot", "ClaudeBot"), ("bytespider", "Bytespider"), ("petalbot", "PetalBot"),
        ("headlesschrome", "HeadlessChrome"), ("phantomjs", "PhantomJS"), ("lighthouse", "Lighthouse"),
        ("curl", "curl"), ("wget", "Wget"), ("python-requests", "python-requests"), ("python-urllib", "Python"),
        ("aiohttp", "aiohttp"), ("go-http-client", "Go"), ("okhttp", "okhttp"), ("java/", "Java"),
        ("libwww-perl", "libwww-perl"), ("node-fetch", "node-fetch"), ("axios", "axios"),
        ("uptimerobot", "UptimeRobot"), ("pingdom", "Pingdom"),
    ]
    // Generic signs of an automated client: "…bot/1.0", "(compatible; Foobot; +http://…)".
    private static let botMarks: [StaticString] = ["bot/", "bot;", "bot)", "crawler", "spider", "slurp", "+http"]

    private static func bot(in text: Text) -> UserAgent? {
        for (token, name) in bots {
            guard let end = text.lowerRange(of: token)?.upperBound else { continue }
            let version = text.byte(at: end) == UInt8(ascii: "/") ? text.digits(from: end + 1)
                : text.byte(at: end - 1) == UInt8(ascii: "/") ? text.digits(from: end) : nil
            return UserAgent(device: .bot, browser: name, browserVersion: version)
        }
        for mark in botMarks where text.lowerRange(of: mark) != nil {
            return UserAgent(device: .bot, browser: "bot")
        }
        return nil
    }

    // MARK: operating system

    private static func operatingSystem(in text: Text) -> (name: String?, version: String?) {
        if let end = text.range(of: "Windows Phone")?.upperBound {
            return ("Windows Phone", text.digits(from: text.skippingSpaces(from: end)))
        }
        if let end = text.range(of: "Windows NT ")?.upperBound {
            return ("Windows", windowsVersion(text.majorMinor(from: end)))
        }
        if text.range(of: "Windows") != nil { return ("Windows", nil) }
        for marker in ["iPhone OS ", "CPU OS "] as [StaticString] {
            if let end = text.range(of: marker)?.upperBound { return ("iOS", text.digits(from: end)) }
        }
        if text.range(of: "iPhone") != nil || text.range(of: "iPad") != nil || text.range(of: "iPod") != nil {
            return ("iOS", nil)
        }
        if let end = text.range(of: "Android")?.upperBound {
            return ("Android", text.digits(from: text.skippingSpaces(from: end)))
        }
        if text.range(of: "CrOS ") != nil { return ("Chrome OS", nil) }
        if let end = text.range(of: "Mac OS X ")?.upperBound {
            guard let (major, minor) = text.majorMinor(from: end) else { return ("macOS", nil) }
            // Through 10.15 the release was the minor number; Safari and Chrome still freeze the
            // header at 10_15_7 on every later macOS.
            return ("macOS", major == "10" ? minor.map { "10.\($0)" } ?? major : major)
        }
        if text.range(of: "Macintosh") != nil { return ("macOS", nil) }
        if text.lowerRange(of: "tizen") != nil {
            return ("Tizen", text.range(of: "Tizen ").flatMap { text.digits(from: $0.upperBound) })
        }
        if text.lowerRange(of: "web0s") != nil || text.lowerRange(of: "webos") != nil { return ("webOS", nil) }
        if text.lowerRange(of: "kaios") != nil { return ("KaiOS", nil) }
        if let end = text.range(of: "PlayStation ")?.upperBound { return ("PlayStation", text.digits(from: end)) }
        if text.range(of: "Xbox") != nil { return ("Xbox", nil) }
        if text.range(of: "Linux") != nil || text.range(of: "X11") != nil { return ("Linux", nil) }
        return (nil, nil)
    }

    /// Windows NT kernel versions to the release names people know ("10.0" is also Windows 11:
    /// the header cannot tell them apart).
    private static func windowsVersion(_ version: (String, String?)?) -> String? {
        guard let (major, minor) = version else { return nil }
        switch (major, minor) {
        case ("10", _): return "10"
        case ("6", "3"): return "8.1"
        case ("6", "2"): return "8"
        case ("6", "1"): return "7"
        case ("6", "0"): return "Vista"
        case ("5", "1"), ("5", "2"): return "XP"
        default: return nil
        }
    }

    // MARK: browser

    // Most specific first: each of these also carries "Chrome/" or "Safari/".
    private static let browsers: [(token: StaticString, name: String)] = [
        ("EdgA/", "Edge"), ("EdgiOS/", "Edge"), ("Edg/", "Edge"), ("Edge/", "Edge"),
        ("OPR/", "Opera"), ("OPiOS/", "Opera"), ("SamsungBrowser/", "Samsung Internet"),
        ("YaBrowser/", "Yandex Browser"), ("UCBrowser/", "UC Browser"), ("Vivaldi/", "Vivaldi"),
        ("FxiOS/", "Firefox"), ("Firefox/", "Firefox"), ("CriOS/", "Chrome"),
    ]

    private static func browser(in text: Text) -> (name: String?, version: String?) {
        for (token, name) in browsers {
            if let end = text.range(of: token)?.upperBound { return (name, text.digits(from: end)) }
        }
        if let end = text.range(of: "Chrome/")?.upperBound {
            // Android apps' embedded views say "; wv)"; they are not the Chrome app.
            let name = text.range(of: "; wv)") != nil ? "Android WebView" : "Chrome"
            return (name, text.digits(from: end))
        }
        if let end = text.range(of: "Chromium/")?.upperBound { return ("Chromium", text.digits(from: end)) }
        if let end = text.range(of: "MSIE ")?.upperBound { return ("Internet Explorer", text.digits(from: end)) }
        if text.range(of: "Trident/") != nil {
            return ("Internet Explorer", text.range(of: "rv:").flatMap { text.digits(from: $0.upperBound) })
        }
        if text.range(of: "Safari/") != nil, let end = text.range(of: "Version/")?.upperBound {
            return ("Safari", text.digits(from: end))
        }
        if let end = text.range(of: "Opera/")?.upperBound {
            let version = text.range(of: "Version/").flatMap { text.digits(from: $0.upperBound) } ?? text.digits(from: end)
            return ("Opera", version)
        }
        return (nil, nil)
    }

    // MARK: device

    private static let tvMarks: [StaticString] = ["smart-tv", "smarttv", "googletv", "google tv", "android tv", "appletv",
                                  "apple tv", "crkey", "hbbtv", "netcast", "web0s", "bravia", "roku", "; aft",
                                  "playstation", "xbox", "nintendo", "tizen tv", "tv safari", "large screen"]

    private static func device(in text: Text, os: String?, browser: String?) -> DeviceClass {
        if tvMarks.contains(where: { text.lowerRange(of: $0) != nil }) { return .tv }
        if text.range(of: "iPad") != nil { return .tablet }
        if text.range(of: "iPhone") != nil || text.range(of: "iPod") != nil { return .mobile }
        if text.lowerRange(of: "tablet") != nil || text.range(of: "Kindle") != nil || text.range(of: "PlayBook") != nil {
            return .tablet
        }
        let saysMobile = text.range(of: "Mobile") != nil || text.range(of: "Opera Mini") != nil
        switch os {
        case "Android":
            // Android phones' browsers add "Mobile"; tablets' do not (Chrome's documented rule).
            return saysMobile ? .mobile : .tablet
        case "Windows Phone", "KaiOS", "iOS":
            return .mobile
        case "Windows", "macOS", "Linux", "Chrome OS":
            return saysMobile ? .mobile : .desktop
        default:
            if saysMobile || text.range(of: "BlackBerry") != nil || text.range(of: "BB10") != nil { return .mobile }
            // A bare "Mozilla/5.0" or an app's own product token: nothing to go on.
            return os == nil && browser == nil ? .unknown : .desktop
        }
    }
}

extension UserAgentParser {
    /// The header's bytes and an ASCII-lowercased copy, with the few searches the parser needs.
    /// Indices are always checked: every read past the end is nil, never a trap.
    struct Text {
        let bytes: [UInt8]
        let lower: [UInt8]

        init(_ source: some Collection<UInt8>) {
            bytes = Array(source)
            lower = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        }

        var hasLetters: Bool { lower.contains { $0 >= 0x61 && $0 <= 0x7A } }

        func byte(at index: Int) -> UInt8? { index >= 0 && index < bytes.count ? bytes[index] : nil }

        /// First occurrence of `needle` (case-sensitive).
        func range(of needle: StaticString) -> Range<Int>? { Self.search(needle, in: bytes) }

        /// First occurrence of `needle`, which must be lowercase, ignoring ASCII case.
        func lowerRange(of needle: StaticString) -> Range<Int>? { Self.search(needle, in: lower) }

        // Needles are compile-time ASCII: read in place, no copy per search. A candidate start
        // is checked only where its first byte matches, so a search is about one pass.
        private static func search(_ needle: StaticString, in haystack: [UInt8]) -> Range<Int>? {
            let count = needle.utf8CodeUnitCount
            guard count > 0, count <= haystack.count else { return nil }
            let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: count)
            let first = pattern[0]
            return haystack.withUnsafeBufferPointer { hay -> Range<Int>? in
                var start = 0
                let last = hay.count - count
                while start <= last {
                    if hay[start] == first {
                        var offset = 1
                        while offset < count, hay[start + offset] == pattern[offset] { offset += 1 }
                        if offset == count { return start..<(start + count) }
                    }
                    start += 1
                }
                return nil
            }
        }

        func skippingSpaces(from index: Int) -> Int {
            var i = index
            while let b = byte(at: i), b == UInt8(ascii: " ") { i += 1 }
            return i
        }

        /// The run of ASCII digits at `index` (at most 5, so the value stays a version, not a
        /// payload); nil when there is none.
        func digits(from index: Int) -> String? {
            var i = index
            var scalars = ""
            while let b = byte(at: i), b >= 0x30, b <= 0x39, scalars.utf8.count < 5 {
                scalars.append(Character(Unicode.Scalar(b)))
                i += 1
            }
            return scalars.isEmpty ? nil : scalars
        }

        /// "10_15_7", "10.15", "6.1": the first two numbers, separated by "_" or ".".
        func majorMinor(from index: Int) -> (String, String?)? {
            guard let major = digits(from: index) else { return nil }
            let separator = index + major.utf8.count
            guard let b = byte(at: separator), b == UInt8(ascii: "_") || b == UInt8(ascii: ".") else { return (major, nil) }
            return (major, digits(from: separator + 1))
        }
    }
}
