#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import SFU
import ServiceLifecycle
import Signaling
import Store

/// Writes who was in each live session, and when, from the signaling hub's presence changes:
/// the rows behind live counts, peak and unique viewers and watch time. Rooms that are not live
/// sessions (development rooms with `chobi-server token`) are skipped.
///
/// One consumer, in order, so a user's join is always stored before their leave.
public struct LiveSessionRecorder: Service {
    let store: Store
    let presence: AsyncStream<PresenceChange>
    let logger: Logger
    let now: @Sendable () -> Date

    public init(store: Store, hub: SignalingHub, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.presence = hub.presence
        self.logger = logger
        self.now = now
    }

    public func run() async throws {
        // The hub outlives the recorder in a server; stop consuming on shutdown.
        await cancelWhenGracefulShutdown {
            for await change in presence {
                await record(change)
            }
        }
    }

    func record(_ change: PresenceChange) async {
        guard let session = UUID(uuidString: change.room), let user = UUID(uuidString: change.user) else { return }
        do {
            switch change.kind {
            case .joined:
                _ = try await store.sessions.recordJoin(sessionId: session, userId: user,
                                                        role: ParticipantRole(change.role), now: now())
            case .left:
                _ = try await store.sessions.recordLeave(sessionId: session, userId: user, now: now())
            }
        } catch .sessionEnded, .sessionNotFound {
            // Leaves after the end (the end closed every visit), or a room that is no session.
        } catch {
            logger.notice("presence not recorded", metadata: [
                "session": "\(change.room)", "user": "\(change.user)", "change": "\(change.kind)", "error": "\(error)"])
        }
    }
}

extension ParticipantRole {
    init(_ role: RoomRole) {
        switch role {
        case .host: self = .host
        case .guest: self = .guest
        case .viewer: self = .viewer
        }
    }
}
