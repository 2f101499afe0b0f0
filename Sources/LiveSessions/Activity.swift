#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Store

/// What the app's side systems hear about users' actions: notifications (`Notifier`) and levels
/// and badges (`ProgressTracker`). Procedures call it after their write committed; both only
/// queue, so a request never waits on a fan-out or an evaluation.
public struct Activity: Sendable {
    public let notifier: Notifier
    public let progress: ProgressTracker
    public let events: EventsHub

    public init(notifier: Notifier, progress: ProgressTracker, events: EventsHub) {
        self.notifier = notifier
        self.progress = progress
        self.events = events
    }

    func wentLive(host: User, session: StreamingSession) {
        notifier.wentLive(hostId: host.id, hostName: host.displayName, sessionId: session.id, title: session.title)
        progress.touch([host.id])
    }

    func followed(by follower: User, followeeId: UUID) {
        notifier.followed(by: follower, followeeId: followeeId)
        progress.touch([followeeId])
    }

    func gave(_ receipt: GiftReceipt) {
        notifier.giftReceived(receipt)
        progress.touch([receipt.transaction.senderId, receipt.transaction.recipientId])
    }

    func chatted(_ authorId: UUID) { progress.touch([authorId]) }
}
