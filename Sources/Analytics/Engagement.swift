/// How much of the audience took part: chatters and gifters as shares of the unique viewers, and
/// chat lines per minute of the session.
public struct Engagement: Sendable, Equatable, Codable {
    public var chatters: Int
    public var gifters: Int
    /// chatters / unique viewers (0 without viewers).
    public var chatterShare: Double
    public var gifterShare: Double
    public var messages: Int
    /// messages / duration in minutes (0 for a session shorter than a millisecond).
    public var messagesPerMinute: Double

    public init(uniqueViewers: Int, chatters: Int, gifters: Int, messages: Int, durationMilliseconds: Int64) {
        self.chatters = chatters
        self.gifters = gifters
        self.messages = messages
        self.chatterShare = uniqueViewers > 0 ? Double(chatters) / Double(uniqueViewers) : 0
        self.gifterShare = uniqueViewers > 0 ? Double(gifters) / Double(uniqueViewers) : 0
        self.messagesPerMinute = durationMilliseconds > 0 ? Double(messages) * 60_000 / Double(durationMilliseconds) : 0
    }
}
