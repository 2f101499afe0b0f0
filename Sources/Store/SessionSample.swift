import Foundation
import GRDB

/// One point of a live session's time series, written by the analytics sampler every interval
/// (10 s by default): the viewers there at `sampledAt`, and what happened since the sample before.
public struct SessionSample: Sendable, Codable, Equatable, Hashable {
    public var sessionId: UUID
    public var sampledAt: Date
    /// Viewers (not host or guests) with an open visit at `sampledAt`; 0 for the sample taken at
    /// the session's end.
    public var viewers: Int
    /// Chat lines typed since the previous sample (gift lines not counted; later deletions are).
    public var chatLines: Int
    /// Gifts sent since the previous sample (a combo of 5 counts 5) and the coins they cost.
    public var gifts: Int
    public var coins: Int64

    public init(sessionId: UUID, sampledAt: Date, viewers: Int, chatLines: Int, gifts: Int, coins: Int64) {
        self.sessionId = sessionId
        self.sampledAt = sampledAt
        self.viewers = viewers
        self.chatLines = chatLines
        self.gifts = gifts
        self.coins = coins
    }
}

extension SessionSample: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            sessionId: try UUID.stored(try row.decode(forColumn: "session_id"), column: "session_samples.session_id"),
            sampledAt: Date(millisecondsSince1970: try row.decode(forColumn: "sampled_at")),
            viewers: try row.decode(forColumn: "viewers"),
            chatLines: try row.decode(forColumn: "chat_lines"),
            gifts: try row.decode(forColumn: "gifts"),
            coins: try row.decode(forColumn: "coins"))
    }
}
