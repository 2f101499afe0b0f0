#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Store

// The session a procedure names, with the store's own errors (StoreError+TRPC turns them into
// NOT_FOUND "session not found" / "the session has ended"), so every procedure answers alike.

extension Store {
    func session(_ id: UUID) async throws(StoreError) -> StreamingSession {
        guard let session = try await sessions.find(id: id) else { throw .sessionNotFound(id) }
        return session
    }
}

extension StreamingSession {
    func requireLive() throws(StoreError) {
        guard status == .live else { throw .sessionEnded(id) }
    }
}
