#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// Every open `/events` socket, by user: a user with three tabs open has three, and each gets
/// every event. Senders never wait on a socket: each connection drains its own bounded queue, and
/// one that falls `queueLimit` events behind loses the oldest (they are stored; the client pages
/// them back with `notifications.getNotifications`, and every event carries the unread count).
public final class EventsHub: Sendable {
    /// Events one connection may have waiting before the oldest are dropped.
    public static let queueLimit = 256

    private struct Connection {
        let continuation: AsyncStream<String>.Continuation
    }

    private let connections = Mutex<[UUID: [Int: Connection]]>([:])
    private let nextId = Atomic<Int>(0)

    public init() {}

    /// Opens a connection for `userId`: its events, and the id that `close` takes.
    func open(userId: UUID) -> (id: Int, events: AsyncStream<String>) {
        let id = nextId.add(1, ordering: .relaxed).newValue
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(Self.queueLimit))
        connections.withLock { $0[userId, default: [:]][id] = Connection(continuation: continuation) }
        return (id, stream)
    }

    func close(userId: UUID, id: Int) {
        let connection = connections.withLock { all -> Connection? in
            let removed = all[userId]?.removeValue(forKey: id)
            if all[userId]?.isEmpty == true { all[userId] = nil }
            return removed
        }
        connection?.continuation.finish()
    }

    /// Queues `text` on every connection of `userId`; false when the user has none.
    @discardableResult
    func send(_ text: String, to userId: UUID) -> Bool {
        let targets = connections.withLock { $0[userId].map { Array($0.values) } ?? [] }
        for connection in targets { connection.continuation.yield(text) }
        return !targets.isEmpty
    }

    /// Which of `userIds` have a socket open (the rest need no live delivery).
    func connected(among userIds: some Sequence<UUID>) -> [UUID] {
        connections.withLock { all in userIds.filter { all[$0] != nil } }
    }

    /// Every user with a socket open.
    func connectedUsers() -> [UUID] { connections.withLock { Array($0.keys) } }

    /// Open sockets in all (metrics, tests).
    public var connectionCount: Int { connections.withLock { $0.values.reduce(0) { $0 + $1.count } } }
}
