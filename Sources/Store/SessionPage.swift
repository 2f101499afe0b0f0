/// One page of live sessions, newest first, and where the next page starts (nil on the last).
public struct SessionPage: Sendable, Equatable {
    public var sessions: [SessionSummary]
    public var nextCursor: SessionCursor?

    public init(sessions: [SessionSummary], nextCursor: SessionCursor?) {
        self.sessions = sessions
        self.nextCursor = nextCursor
    }
}
