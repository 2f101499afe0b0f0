/// What a User-Agent header says about the client: device class, operating system and browser,
/// each with a major version when the header carries one.
///
/// Every name comes from the parser's own tables and every version is at most a few ASCII digits
/// (and one dot for macOS 10.x), so nothing a client sends is echoed into the store or the API.
public struct UserAgent: Sendable, Equatable, Hashable {
    public var device: DeviceClass
    /// "Windows", "macOS", "iOS", "Android", "Linux", "Chrome OS", … ; nil when unknown.
    public var os: String?
    /// Major version ("10", "17"; "10.15" for macOS 10.x, whose minor is the release) or nil.
    public var osVersion: String?
    /// "Chrome", "Firefox", "Safari", "Edge", a bot's name, … ; nil when unknown.
    public var browser: String?
    public var browserVersion: String?

    public init(device: DeviceClass, os: String? = nil, osVersion: String? = nil, browser: String? = nil,
                browserVersion: String? = nil) {
        self.device = device
        self.os = os
        self.osVersion = osVersion
        self.browser = browser
        self.browserVersion = browserVersion
    }

    /// A header that was missing, empty or said nothing we recognise.
    public static let unknown = UserAgent(device: .unknown)
}
