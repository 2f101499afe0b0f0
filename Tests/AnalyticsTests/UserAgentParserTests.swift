import Testing
import TestSupport
@testable import Analytics

@Suite("User-Agent: device class, OS and browser with major versions")
struct UserAgentParserTests {
    @Test("browsers on Windows, macOS, Linux, Chrome OS, Android, iOS, TVs", arguments: UserAgentVectors.browsers)
    func browsers(_ vector: UserAgentVectors.Vector) {
        #expect(UserAgentParser.parse(vector.header) == vector.expected)
    }

    @Test("crawlers, previewers and HTTP libraries are bots", arguments: UserAgentVectors.bots)
    func bots(_ vector: UserAgentVectors.Vector) {
        #expect(UserAgentParser.parse(vector.header) == vector.expected)
    }

    @Test("a missing header is unknown")
    func missing() {
        #expect(UserAgentParser.parse(nil) == .unknown)
    }

    @Test("garbage gives no more than the text supports")
    func garbage() {
        for header in UserAgentVectors.garbage {
            let agent = UserAgentParser.parse(header)
            #expect(Self.isWellFormed(agent), "\(header.prefix(40))")
        }
        #expect(UserAgentParser.parse("") == .unknown)
        #expect(UserAgentParser.parse("🎉🎉🎉") == .unknown)
        #expect(UserAgentParser.parse("Mozilla/5.0").device == .unknown)
        #expect(UserAgentParser.parse("Windows NT 99999999999999999999.1").osVersion == nil, "no such Windows")
        #expect(UserAgentParser.parse("Chrome/99999999999999999999999").browserVersion == "99999", "versions stay short")
    }

    @Test("only the first 512 bytes are read: a token beyond them does not count")
    func bounded() {
        let padding = String(repeating: "x", count: UserAgentParser.maxBytes)
        #expect(UserAgentParser.parse(padding + " Googlebot/2.1").device != .bot)
        #expect(UserAgentParser.parse("Googlebot/2.1 " + padding).device == .bot)
    }

    @Test("100k hostile headers never trap, and every answer is from the parser's own tables")
    func hostile() {
        let seeds = (UserAgentVectors.browsers + UserAgentVectors.bots).map { Array($0.header.utf8) }
        var parsed = 0
        for hostile in HostileInput(seeds: seeds, count: 100_000, seed: 0xA9A1) {
            let agent = UserAgentParser.parse(bytes: hostile.bytes)
            // As text too: invalid UTF-8 turns into replacement characters on the way in (the
            // parser reads 512 bytes, so decoding the first 2 KiB is the same test, faster).
            let viaString = UserAgentParser.parse(String(decoding: hostile.bytes.prefix(2048), as: UTF8.self))
            guard Self.isWellFormed(agent), Self.isWellFormed(viaString) else {
                Issue.record("case \(hostile.index) (\(hostile.kind)) gave \(agent) / \(viaString)")
                return
            }
            parsed += 1
        }
        #expect(parsed == 100_000)
    }

    /// Names the parser can produce, and versions of digits (one dot for macOS 10.x).
    static func isWellFormed(_ agent: UserAgent) -> Bool {
        let osNames: Set<String> = ["Windows Phone", "Windows", "iOS", "Android", "Chrome OS", "macOS", "Tizen", "webOS",
                                    "KaiOS", "PlayStation", "Xbox", "Linux"]
        let browserNames: Set<String> = [
            "Edge", "Opera", "Samsung Internet", "Yandex Browser", "UC Browser", "Vivaldi", "Firefox", "Chrome",
            "Android WebView", "Chromium", "Internet Explorer", "Safari", "bot", "Googlebot", "Bingbot", "YandexBot",
            "DuckDuckBot", "Baiduspider", "Applebot", "Twitterbot", "Slackbot", "Discordbot", "Facebook", "LinkedInBot",
            "TelegramBot", "WhatsApp", "AhrefsBot", "SemrushBot", "GPTBot", "ClaudeBot", "Bytespider", "PetalBot",
            "HeadlessChrome", "PhantomJS", "Lighthouse", "curl", "Wget", "python-requests", "Python", "aiohttp", "Go",
            "okhttp", "Java", "libwww-perl", "node-fetch", "axios", "UptimeRobot", "Pingdom",
        ]
        func version(_ text: String?) -> Bool {
            guard let text else { return true }
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            return !text.isEmpty && text.utf8.count <= 8 && parts.count <= 2
                && parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } || $0 == "XP" || $0 == "Vista" }
        }
        return (agent.os.map(osNames.contains) ?? true) && (agent.browser.map(browserNames.contains) ?? true)
            && version(agent.osVersion) && version(agent.browserVersion)
            && (agent.os != nil || agent.osVersion == nil) && (agent.browser != nil || agent.browserVersion == nil)
    }
}
