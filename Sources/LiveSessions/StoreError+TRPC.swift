import API
import Store

/// Each store failure as the API reports it. Messages are for people; internal failures say
/// nothing about the database (the API logs them with the request id).
extension StoreError: TRPCErrorConvertible {
    public var trpcError: TRPCError {
        switch self {
        case .usernameTaken: .conflict("username is taken")
        case .userNotFound: .notFound("user not found")
        case .sessionNotFound: .notFound("session not found")
        case .sessionEnded: .notFound("the session has ended")
        case .hostAlreadyLive: .conflict("you already have a live session; end it first")
        case .cannotFollowSelf: .badRequest("input.userId: you cannot follow yourself")
        case .hostCannotBeTarget: .badRequest("input.userId: the host cannot be the target")
        case .banned: .forbidden("you were removed from this session")
        case .notAdmitted: .forbidden("this session is private")
        case .inviteNotFound: .notFound("no pending invite")
        case .guestLimitReached(let limit): .conflict("the session already has \(limit) guests")
        case .roleNotAllowed: .forbidden("not allowed in this role")
        case .notAGuest: .notFound("that user is not a guest of this session")
        case .unknownUsername: .notFound("user not found")
        case .messageNotFound: .notFound("message not found")
        case .videoNotFound: .notFound("video not found")
        case .commentNotFound: .notFound("comment not found")
        case .giftNotFound: .notFound("gift not found")
        case .giftNotComboable: .badRequest("input.count: this gift is sent one at a time")
        case .cannotGiftSelf: .badRequest("input.recipientId: you cannot send a gift to yourself")
        case .recipientNotOnStage: .badRequest("input.recipientId: the recipient is not on stage")
        case let .insufficientCoins(needed, available):
            .preconditionFailed("not enough coins: this costs \(needed), you have \(available)")
        case .invitesNotAccepted: .forbidden("this user does not accept invites from you")
        case .idempotencyConflict: .conflict("idempotency key already used with different input")
        case .invalidInput(let what): .badRequest("input.\(what)")
        case .cannotOpen, .newerSchema, .backupFailed, .backupNotIntact, .corruptRow, .database: .internalServerError
        }
    }
}
