import Logging
import NIOConcurrencyHelpers
import SFU
import Testing
@testable import MediaTransport

/// Shared set-up for the end-to-end suites: a service on ephemeral loopback ports, and event
/// logs that collect a session's events in the background so tests can poll them.
enum TestHarness {
    /// Warnings and worse only: the suites open and close many sessions.
    static var quietLogger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }

    static func service(loops: Int = 1, connectTimeout: Duration = .seconds(60),
                        consentTimeout: Duration = .seconds(30)) async throws -> MediaTransportService {
        let service = MediaTransportService(
            configuration: .init(bindAddress: "127.0.0.1", firstPort: 0, loops: loops,
                                 connectTimeout: connectTimeout, consentTimeout: consentTimeout),
            logger: quietLogger)
        try await service.bind()
        return service
    }

    /// Opens a session for `client` and points the client at the answer.
    static func open(_ service: MediaTransportService, _ client: LoopbackClient, room: String = "room",
                     participant: String, role: RoomRole, intent: PeerIntent,
                     sections: [LoopbackClient.Section]) async throws -> (PeerSessionID, EventLog) {
        let answer = try await service.openSession(PeerSessionRequest(
            room: room, participant: participant, role: role, intent: intent, offer: client.offer(sections)))
        try client.accept(answer: answer.answer)
        return (answer.id, EventLog(service.events(of: answer.id)))
    }

    /// Polls `probe` until true or the timeout.
    static func eventually(timeout: Duration = .seconds(3), _ probe: () async throws -> Bool) async throws -> Bool {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if try await probe() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return try await probe()
    }

    /// Waits until the service holds nothing: no peers, routes, ufrags, rooms, timer.
    static func expectEmpty(_ service: MediaTransportService, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let empty = try await eventually {
            try await service.census() == MediaLoop.Census(peers: 0, routes: 0, ufrags: 0, rooms: 0,
                                                           timerArmed: false)
        }
        let census = try await service.census()
        #expect(empty, "left behind: \(census)", sourceLocation: sourceLocation)
    }
}

/// Collects one session's events as they come.
final class EventLog: Sendable {
    private let box = NIOLockedValueBox<[PeerSessionEvent]>([])

    init(_ stream: AsyncStream<PeerSessionEvent>) {
        let box = self.box
        Task {
            for await event in stream { box.withLockedValue { $0.append(event) } }
        }
    }

    var events: [PeerSessionEvent] { box.withLockedValue { $0 } }

    /// Waits for the first event `match` accepts.
    func first<T>(timeout: Duration = .seconds(3), _ match: @escaping (PeerSessionEvent) -> T?) async throws -> T? {
        var found: T?
        _ = try await TestHarness.eventually(timeout: timeout) {
            found = events.lazy.compactMap(match).first
            return found != nil
        }
        return found
    }

    func waitConnected(timeout: Duration = .seconds(3)) async throws -> Bool {
        try await first(timeout: timeout) { $0 == .connected ? true : nil } ?? false
    }

    func closedReason(timeout: Duration = .seconds(3)) async throws -> String? {
        try await first(timeout: timeout) { if case .closed(let reason) = $0 { return reason } else { return nil } }
    }
}
