import Foundation
import GRDB

/// Every failure of the store, typed so the API can map each to its tRPC code.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The database file cannot be created or opened.
    case cannotOpen(path: String, reason: String)
    /// The file was migrated by a newer Chobi Live; this binary does not know these migrations.
    case newerSchema(path: String, unknownMigrations: [String])
    /// Another account has this username (compared case-insensitively).
    case usernameTaken(String)
    case userNotFound(UUID)
    case sessionNotFound(UUID)
    /// The host already has a live session (its id, when known).
    case hostAlreadyLive(hostId: UUID, sessionId: UUID?)
    /// The session has ended; nothing more can happen in it.
    case sessionEnded(UUID)
    case cannotFollowSelf
    /// The host cannot be invited to, banned from, or join as anyone else in their own session.
    case hostCannotBeTarget
    /// The user is banned (kicked) from the session.
    case banned(sessionId: UUID, userId: UUID)
    /// A private session, and the user is neither the host, a follower of the host, nor invited.
    case notAdmitted(sessionId: UUID, userId: UUID)
    /// No pending (or matching) invite for this user in this session.
    case inviteNotFound(sessionId: UUID, userId: UUID)
    /// Accepting would exceed the number of guests a session may have at once.
    case guestLimitReached(limit: Int)
    /// The user may not join the session in this role (host is the host's alone; guest needs an
    /// accepted invite).
    case roleNotAllowed(sessionId: UUID, userId: UUID, role: ParticipantRole)
    /// The user is not a guest of the session.
    case notAGuest(sessionId: UUID, userId: UUID)
    /// No account has this username (`setRole`).
    case unknownUsername(String)
    case videoNotFound(UUID)
    /// No live comment with this id on this video.
    case commentNotFound(Int64)
    /// No chat message with this id.
    case messageNotFound(Int64)
    /// No gift with this id in the catalog.
    case giftNotFound(String)
    /// The gift is sent one at a time (legendary gifts), and the request asked for more.
    case giftNotComboable(giftId: String, count: Int)
    case cannotGiftSelf
    /// The recipient is neither the session's host nor a guest on stage now.
    case recipientNotOnStage(sessionId: UUID, userId: UUID)
    /// The sender's coins do not cover the gift; nothing was written.
    case insufficientCoins(needed: Int64, available: Int64)
    /// The user's settings refuse invites from this host (`InvitePolicy`).
    case invitesNotAccepted(userId: UUID)
    /// The idempotency key was used before for a request with other input.
    case idempotencyConflict(key: String)
    /// An argument outside what the operation accepts (the text says which and why), e.g. a gift
    /// count outside 1...99 or a non-positive coin amount.
    case invalidInput(String)
    /// A backup could not be written or put in place (the text says which step and why); the
    /// destination was left as it was.
    case backupFailed(path: String, reason: String)
    /// SQLite's integrity check of a fresh backup reported these problems; the copy was discarded.
    case backupNotIntact(path: String, problems: [String])
    /// A stored row does not have the shape this binary expects.
    case corruptRow(String)
    /// Any other SQLite failure. GRDB leaves statement arguments out of this text (so no hash or
    /// user content ends up in logs), unless `publicStatementArguments` is turned on, which we don't.
    case database(String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): "cannot open database \(path): \(reason)"
        case let .newerSchema(path, unknown):
            "database \(path) was migrated by a newer Chobi Live (unknown migrations: "
                + unknown.joined(separator: ", ")
                + "); refusing to use it. Run a newer server, or point --database at another file."
        case let .usernameTaken(name): "username \"\(name)\" is taken"
        case let .userNotFound(id): "user \(id.storeKey) not found"
        case let .sessionNotFound(id): "session \(id.storeKey) not found"
        case let .hostAlreadyLive(host, session):
            "host \(host.storeKey) already has a live session" + (session.map { " (\($0.storeKey))" } ?? "")
        case let .sessionEnded(id): "session \(id.storeKey) has ended"
        case .cannotFollowSelf: "a user cannot follow themselves"
        case .hostCannotBeTarget: "the host cannot be the target of this action in their own session"
        case let .banned(session, user): "user \(user.storeKey) is banned from session \(session.storeKey)"
        case let .notAdmitted(session, user): "session \(session.storeKey) is private and user \(user.storeKey) is not admitted"
        case let .inviteNotFound(session, user): "no matching invite for user \(user.storeKey) in session \(session.storeKey)"
        case let .guestLimitReached(limit): "the session already has \(limit) guests"
        case let .roleNotAllowed(session, user, role):
            "user \(user.storeKey) may not join session \(session.storeKey) as \(role.rawValue)"
        case let .notAGuest(session, user): "user \(user.storeKey) is not a guest of session \(session.storeKey)"
        case let .unknownUsername(name): "no user named \"\(name)\""
        case let .videoNotFound(id): "video \(id.storeKey) not found"
        case let .commentNotFound(id): "comment \(id) not found"
        case let .messageNotFound(id): "chat message \(id) not found"
        case let .giftNotFound(id): "gift \"\(id)\" not found"
        case let .giftNotComboable(gift, count): "gift \"\(gift)\" is sent one at a time, not \(count)"
        case .cannotGiftSelf: "a user cannot send a gift to themselves"
        case let .recipientNotOnStage(session, user):
            "user \(user.storeKey) is neither the host nor a guest on stage in session \(session.storeKey)"
        case let .insufficientCoins(needed, available): "\(needed) coins needed, \(available) available"
        case let .invitesNotAccepted(user): "user \(user.storeKey) does not accept invites from this host"
        case let .idempotencyConflict(key): "idempotency key \"\(key)\" was used for a different request"
        case let .invalidInput(what): "invalid input: \(what)"
        case let .backupFailed(path, reason): "backup to \(path) failed: \(reason)"
        case let .backupNotIntact(path, problems):
            "backup to \(path) failed its integrity check, so it was not kept: "
                + problems.prefix(10).joined(separator: "; ")
        case let .corruptRow(what): "unexpected stored row: \(what)"
        case let .database(message): "database error: \(message)"
        }
    }

    /// Wraps whatever GRDB or a transaction body threw.
    init(_ error: any Error) {
        if let error = error as? StoreError {
            self = error
        } else if let error = error as? DatabaseError {
            self = .database(error.description)
        } else {
            self = .database(String(describing: error))
        }
    }
}
