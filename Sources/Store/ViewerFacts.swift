import Foundation

/// What one join told about the viewer: the device class, OS and browser its User-Agent named
/// and the country of its address (ISO 3166 alpha-2, nil when unknown). The API parses; the
/// store keeps the values as given, within the schema's checks.
public struct ViewerFacts: Sendable, Codable, Equatable, Hashable {
    public var sessionId: UUID
    public var userId: UUID
    public var role: ParticipantRole
    /// One of mobile, tablet, desktop, tv, bot, unknown.
    public var device: String
    public var os: String?
    public var osVersion: String?
    public var browser: String?
    public var browserVersion: String?
    public var country: String?
    public var joinedAt: Date

    public init(sessionId: UUID, userId: UUID, role: ParticipantRole, device: String, os: String? = nil,
                osVersion: String? = nil, browser: String? = nil, browserVersion: String? = nil,
                country: String? = nil, joinedAt: Date) {
        self.sessionId = sessionId
        self.userId = userId
        self.role = role
        self.device = device
        self.os = os
        self.osVersion = osVersion
        self.browser = browser
        self.browserVersion = browserVersion
        self.country = country
        self.joinedAt = joinedAt
    }
}
