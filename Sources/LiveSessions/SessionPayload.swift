import Store

/// A session's host as lists show it.
struct HostPayload: Encodable, Sendable {
    var id: String
    var username: String
    var displayName: String
    var avatarUrl: String?

    init(_ host: SessionHost) {
        id = host.id.apiString
        username = host.username
        displayName = host.displayName
        avatarUrl = host.avatarUrl
    }

    init(_ user: User) {
        id = user.id.apiString
        username = user.username
        displayName = user.displayName
        avatarUrl = user.avatarUrl
    }
}

/// One session: what createSession and joinSession return.
struct SessionPayload: Encodable, Sendable {
    var id: String
    var title: String
    var description: String?
    var category: String?
    var isPrivate: Bool
    var status: String
    var host: HostPayload
    var startedAt: String
    var endedAt: String?

    init(_ session: StreamingSession, host: HostPayload) {
        id = session.id.apiString
        title = session.title
        description = session.description
        category = session.category
        isPrivate = session.isPrivate
        status = session.status.rawValue
        self.host = host
        startedAt = JSONDate.string(session.startedAt)
        endedAt = session.endedAt.map(JSONDate.string)
    }
}

/// One row of getActiveSessions.
struct SessionListItem: Encodable, Sendable {
    var id: String
    var title: String
    var category: String?
    var host: HostPayload
    var viewerCount: Int
    var guestCount: Int
    var startedAt: String
    var isPrivate: Bool

    init(_ summary: SessionSummary) {
        id = summary.id.apiString
        title = summary.title
        category = summary.category
        host = HostPayload(summary.host)
        viewerCount = summary.viewerCount
        guestCount = summary.guestCount
        startedAt = JSONDate.string(summary.startedAt)
        isPrivate = summary.isPrivate
    }
}

/// The end-of-session report.
struct ReportPayload: Encodable, Sendable, Equatable {
    var sessionId: String
    var status: String
    var startedAt: String
    var endedAt: String?
    var endReason: String?
    var durationSeconds: Int
    var peakViewers: Int
    var uniqueViewers: Int
    var totalWatchSeconds: Int
    var averageWatchSeconds: Double
    var guests: Int
    var messages: Int
    var gifts: Int
    var giftCoins: Int64
    var topGifters: [Gifter]

    struct Gifter: Encodable, Sendable, Equatable {
        var userId: String
        var displayName: String
        var coins: Int64
    }

    init(_ report: SessionReport) {
        sessionId = report.sessionId.apiString
        status = report.status.rawValue
        startedAt = JSONDate.string(report.startedAt)
        endedAt = report.endedAt.map(JSONDate.string)
        endReason = report.endReason?.rawValue
        durationSeconds = report.durationSeconds
        peakViewers = report.peakViewers
        uniqueViewers = report.uniqueViewers
        totalWatchSeconds = report.totalWatchSeconds
        averageWatchSeconds = report.averageWatchSeconds
        guests = report.guests
        messages = report.messages
        gifts = report.gifts
        giftCoins = report.giftCoins
        topGifters = report.topGifters.map { Gifter(userId: $0.userId.apiString, displayName: $0.displayName, coins: $0.amount) }
    }
}
