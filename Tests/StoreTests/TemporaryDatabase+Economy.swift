import Foundation
@testable import Store

extension Store {
    /// Puts `userId` on stage in `sessionId`: invited, accepted, joined as a guest.
    func putOnStage(_ userId: UUID, in sessionId: UUID, now: Date = at(1)) async throws {
        _ = try await sessions.invite(sessionId: sessionId, userId: userId, now: now)
        _ = try await sessions.respondToInvite(sessionId: sessionId, userId: userId, accept: true, now: now)
        _ = try await sessions.recordJoin(sessionId: sessionId, userId: userId, role: .guest, now: now)
    }

    /// How many rows `table` holds (a fixed table name from the test, never user input).
    func rowCount(_ table: String) async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }
}
