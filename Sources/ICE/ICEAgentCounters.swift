// Counters of what reached the agent: bad input is counted, never fatal.

/// What the agent has seen, for metrics and for logging bad input once with context.
public struct ICEAgentCounters: Hashable, Sendable {
    /// Checks that authenticated and were answered with success.
    public var validChecks = 0
    /// Requests answered with an error (400, 401, 420, 487).
    public var rejectedChecks = 0
    /// Datagrams that are not well-formed STUN.
    public var malformedDatagrams = 0
    /// Well-formed STUN that is not a request (indications, stray responses).
    public var ignoredMessages = 0
    /// Valid checks whose transaction id an earlier check used from another address: replays,
    /// dropped unanswered.
    public var replayedChecks = 0

    public init() {}
}
