import Foundation

/// What a session amounted to (`streaming.getSessionReport`, and the answer to `endSession`).
/// For a live session the numbers run up to the `now` the report was asked at.
public struct SessionReport: Sendable, Codable, Equatable {
    public var sessionId: UUID
    public var hostId: UUID
    public var status: SessionStatus
    public var startedAt: Date
    public var endedAt: Date?
    public var endReason: EndReason?
    /// Whole seconds from start to end (or to `now` while live).
    public var durationSeconds: Int
    /// Most viewers there at the same time.
    public var peakViewers: Int
    /// Distinct users who watched as viewers; a reconnect counts once.
    public var uniqueViewers: Int
    /// Sum of all viewer visits, whole seconds.
    public var totalWatchSeconds: Int
    /// `totalWatchSeconds / uniqueViewers`, 0 without viewers.
    public var averageWatchSeconds: Double
    /// Distinct users who were on stage as guests.
    public var guests: Int
    /// Chat lines typed in the session and not deleted.
    public var messages: Int
    /// Gifts sent in the session (a combo of 5 counts 5).
    public var gifts: Int
    /// Coins spent on those gifts.
    public var giftCoins: Int64
    /// Who spent the most coins in the session, most first (at most `SessionTally.topGifterCount`).
    public var topGifters: [LeaderboardEntry]

    public init(sessionId: UUID, hostId: UUID, status: SessionStatus, startedAt: Date, endedAt: Date?,
                endReason: EndReason?, durationSeconds: Int, peakViewers: Int, uniqueViewers: Int,
                totalWatchSeconds: Int, averageWatchSeconds: Double, guests: Int, messages: Int, gifts: Int,
                giftCoins: Int64 = 0, topGifters: [LeaderboardEntry] = []) {
        self.sessionId = sessionId
        self.hostId = hostId
        self.status = status
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.endReason = endReason
        self.durationSeconds = durationSeconds
        self.peakViewers = peakViewers
        self.uniqueViewers = uniqueViewers
        self.totalWatchSeconds = totalWatchSeconds
        self.averageWatchSeconds = averageWatchSeconds
        self.guests = guests
        self.messages = messages
        self.gifts = gifts
        self.giftCoins = giftCoins
        self.topGifters = topGifters
    }
}
