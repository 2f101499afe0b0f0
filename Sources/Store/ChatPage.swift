/// One page of a session's chat, oldest first, and where the next older page ends.
public struct ChatPage: Sendable, Equatable {
    public var messages: [ChatMessage]
    /// Pass as `before` for the page of older messages; nil when there are none.
    public var nextBefore: Int64?

    public init(messages: [ChatMessage], nextBefore: Int64?) {
        self.messages = messages
        self.nextBefore = nextBefore
    }
}
