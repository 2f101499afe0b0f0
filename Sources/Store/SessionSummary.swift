import Foundation

/// The host as a session list shows them.
public struct SessionHost: Sendable, Codable, Equatable, Hashable {
    public var id: UUID
    public var username: String
    public var displayName: String
    public var avatarUrl: String?

    public init(id: UUID, username: String, displayName: String, avatarUrl: String? = nil) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.avatarUrl = avatarUrl
    }
}

/// One entry of `streaming.getActiveSessions`.
public struct SessionSummary: Sendable, Codable, Equatable, Hashable, Identifiable {
    public var id: UUID
    public var title: String
    public var category: String?
    public var isPrivate: Bool
    public var startedAt: Date
    public var host: SessionHost
    /// Viewers there now (open viewer visits).
    public var viewerCount: Int
    /// Guests there now (open guest visits).
    public var guestCount: Int

    public init(id: UUID, title: String, category: String?, isPrivate: Bool, startedAt: Date, host: SessionHost,
                viewerCount: Int, guestCount: Int) {
        self.id = id
        self.title = title
        self.category = category
        self.isPrivate = isPrivate
        self.startedAt = startedAt
        self.host = host
        self.viewerCount = viewerCount
        self.guestCount = guestCount
    }
}
