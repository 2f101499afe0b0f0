#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Settings of the signaling endpoints. The defaults suit a single dev machine.
public struct SignalingConfiguration: Sendable {
    /// `Access-Control-Allow-Origin` on WHIP/WHEP responses (`*`, or one origin).
    public var allowedOrigin: String
    /// Largest WHIP/WHEP request body (SDP offer or trickle fragment); larger is 413.
    public var maxBodyBytes: Int
    /// Largest WebSocket message; larger closes the socket with 1009. The WebSocket server's
    /// frame limit must be at least this (see `SignalingService.webSocketServerConfiguration`).
    public var maxMessageBytes: Int
    /// A socket that has not joined by then is closed (1008): unauthenticated sockets cost memory.
    public var joinTimeout: Duration
    /// Serve the browser client at `GET /` (with `/app.css`, `/app.js`, `/live.js`); its files are
    /// then read when `SignalingService` is made.
    public var servesWebClient: Bool
    /// The wall clock tokens are checked against; tests pass a fixed one.
    public var now: @Sendable () -> Date

    public init(allowedOrigin: String = "*", maxBodyBytes: Int = 64 * 1024, maxMessageBytes: Int = 64 * 1024,
                joinTimeout: Duration = .seconds(10), servesWebClient: Bool = true,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.allowedOrigin = allowedOrigin
        self.maxBodyBytes = maxBodyBytes
        self.maxMessageBytes = maxMessageBytes
        self.joinTimeout = joinTimeout
        self.servesWebClient = servesWebClient
        self.now = now
    }
}
