@testable import Analytics

/// Real User-Agent headers (as browsers and crawlers sent them in 2024) and what they say.
enum UserAgentVectors {
    struct Vector: Sendable, CustomStringConvertible {
        let header: String
        let expected: UserAgent
        var description: String { header }
    }

    static func v(_ header: String, _ device: DeviceClass, _ os: String?, _ osVersion: String?, _ browser: String?,
                  _ browserVersion: String?) -> Vector {
        Vector(header: header, expected: UserAgent(device: device, os: os, osVersion: osVersion, browser: browser,
                                                   browserVersion: browserVersion))
    }

    static let browsers: [Vector] = [
        // Windows
        v("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
          .desktop, "Windows", "10", "Chrome", "124"),
        v("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
          .desktop, "Windows", "10", "Firefox", "125"),
        v("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
          .desktop, "Windows", "10", "Edge", "124"),
        v("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/110.0.0.0",
          .desktop, "Windows", "10", "Opera", "110"),
        v("Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
          .desktop, "Windows", "7", "Internet Explorer", "11"),
        v("Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; Trident/6.0)",
          .desktop, "Windows", "8", "Internet Explorer", "10"),
        // macOS
        v("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
          .desktop, "macOS", "10.15", "Chrome", "124"),
        v("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
          .desktop, "macOS", "10.15", "Safari", "17"),
        v("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0",
          .desktop, "macOS", "14", "Firefox", "125"),
        v("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67",
          .desktop, "macOS", "10.15", "Edge", "124"),
        // Linux and Chrome OS
        v("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
          .desktop, "Linux", nil, "Chrome", "124"),
        v("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
          .desktop, "Linux", nil, "Firefox", "125"),
        v("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
          .desktop, "Chrome OS", nil, "Chrome", "124"),
        // Android
        v("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
          .mobile, "Android", "10", "Chrome", "124"),
        v("Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
          .tablet, "Android", "13", "Chrome", "124"),
        v("Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0",
          .mobile, "Android", "14", "Firefox", "125"),
        v("Mozilla/5.0 (Android 14; Tablet; rv:125.0) Gecko/125.0 Firefox/125.0",
          .tablet, "Android", "14", "Firefox", "125"),
        v("Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
          .mobile, "Android", "13", "Samsung Internet", "24"),
        v("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36 EdgA/124.0.2478.64",
          .mobile, "Android", "10", "Edge", "124"),
        v("Mozilla/5.0 (Linux; Android 12; Pixel 6 Build/SD1A.210817.023; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/94.0.4606.71 Mobile Safari/537.36",
          .mobile, "Android", "12", "Android WebView", "94"),
        // A phone whose brand ends in "bot" is not a crawler.
        v("Mozilla/5.0 (Linux; Android 9; CUBOT P30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
          .mobile, "Android", "9", "Chrome", "124"),
        // iOS
        v("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
          .mobile, "iOS", "17", "Safari", "17"),
        v("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
          .mobile, "iOS", "17", "Chrome", "124"),
        v("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15",
          .mobile, "iOS", "17", "Firefox", "125"),
        v("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) EdgiOS/124.2478.50 Mobile/15E148 Safari/605.1.15",
          .mobile, "iOS", "17", "Edge", "124"),
        v("Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
          .tablet, "iOS", "16", "Safari", "16"),
        // Televisions, sticks and consoles
        v("Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) 76.0.3809.146/6.0 TV Safari/537.36",
          .tv, "Tizen", "6", nil, nil),
        v("Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/79.0.3945.79 Safari/537.36 WebAppManager",
          .tv, "webOS", nil, "Chrome", "79"),
        v("Mozilla/5.0 (X11; Linux armv7l) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 CrKey/1.56.500000",
          .tv, "Linux", nil, "Chrome", "114"),
        v("Mozilla/5.0 (Linux; Android 9; AFTMM Build/PS7233; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/118.0.5993.144 Mobile Safari/537.36",
          .tv, "Android", "9", "Android WebView", "118"),
        v("Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edge/44.18363.8131",
          .tv, "Windows", "10", "Edge", "44"),
    ]

    static let bots: [Vector] = [
        v("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", .bot, nil, nil, "Googlebot", "2"),
        v("Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.60 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
          .bot, nil, nil, "Googlebot", "2"),
        v("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
          .bot, nil, nil, "Bingbot", "2"),
        v("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", .bot, nil, nil, "Facebook", "1"),
        v("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.6367.60 Safari/537.36",
          .bot, nil, nil, "HeadlessChrome", "124"),
        v("curl/7.88.1", .bot, nil, nil, "curl", "7"),
        v("python-requests/2.31.0", .bot, nil, nil, "python-requests", "2"),
        v("Python-urllib/3.11", .bot, nil, nil, "Python", "3"),
        v("Mozilla/5.0 (compatible; SomeNewCrawler/1.0)", .bot, nil, nil, "bot", nil),
        v("Mozilla/5.0 (compatible; Yeti/1.1; +https://naver.me/spd)", .bot, nil, nil, "bot", nil),
    ]

    static let garbage: [String] = [
        "", " ", "\u{0}\u{1}\u{2}", "🎉🎉🎉", "Mozilla/5.0", "-", "((((((((", "Windows NT ", "Android",
        "Mac OS X _", "Chrome/", "Version/ Safari/", String(repeating: "A", count: 10_000),
        "Windows NT 99999999999999999999.1", "Chrome/99999999999999999999999",
    ]
}
