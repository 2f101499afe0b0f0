#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import Signaling
import Store

/// Moves the media plane's chat counts into the live sessions' stats, so the report's
/// `messages` counts what the room said. Called on every watchdog tick and right before a
/// session ends (so its last seconds count too). Rooms that are not session ids (dev tokens)
/// are not sessions and are skipped.
enum ChatTally {
    static func flush(from signaling: SignalingService, into store: Store, now: Date, logger: Logger) async {
        var counts: [UUID: Int] = [:]
        for (room, count) in await signaling.takeChatCounts() {
            if let id = UUID(uuidString: room) { counts[id, default: 0] += count }
        }
        do {
            try await store.sessions.addMessages(counts, now: now)
        } catch {
            logger.warning("chat counts not recorded", metadata: ["error": "\(error)", "rooms": "\(counts.count)"])
        }
    }
}
