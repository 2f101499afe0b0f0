#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import API
import Store

/// `users.*`: accounts, profiles and follows.
public struct UserProcedures: Sendable {
    let store: Store
    let hasher: PasswordHasher
    let tokens: UserTokenSigner
    let activity: Activity?
    let now: @Sendable () -> Date

    public init(store: Store, hasher: PasswordHasher, tokens: UserTokenSigner, activity: Activity? = nil,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.activity = activity
        self.store = store
        self.hasher = hasher
        self.tokens = tokens
        self.now = now
    }

    struct RegisterInput: Decodable, Sendable {
        var username: String
        var password: String
        var displayName: String
    }

    struct LoginInput: Decodable, Sendable {
        var username: String
        var password: String
    }

    struct UserIDInput: Decodable, Sendable {
        var userId: String
    }

    struct ProfileInput: Decodable, Sendable {
        var displayName: String?
        var bio: String?
        var avatarUrl: String?
        var isPrivate: Bool?
    }

    struct FollowPayload: Encodable, Sendable {
        var userId: String
        var following: Bool
    }

    public func register(on router: inout TRPCRouter) {
        router.mutation("users.register") { (input: RegisterInput, _) in try await register(input) }
        router.mutation("users.login") { (input: LoginInput, _) in try await login(input) }
        router.query("users.getProfile") { (input: UserIDInput, context) in
            let id = try Identifier.parse(input.userId, field: "userId")
            let viewer = context.user.flatMap { UUID(uuidString: $0.id) }
            guard let profile = try await store.users.profile(id: id, viewerId: viewer) else {
                throw TRPCError.notFound("user not found")
            }
            // Evaluated on read: a reward whose touch a restart lost is given before it is shown.
            // Evaluating reads the facts already: one read of them either way.
            let facts: ProgressFacts
            if let activity {
                facts = try await activity.progress.evaluate(id).facts
            } else {
                facts = try await store.progress.facts(userId: id, now: now())
            }
            var payload = ProfilePayload(profile, level: LevelPayload(LevelStanding(experience: Progress.experience(for: facts))))
            if ProfileAccess.seesDetails(of: profile, viewer: viewer) {
                payload.stats = StatsPayload(facts)
                payload.badges = try await store.progress.badges(userId: id).map(BadgePayload.init)
            }
            return payload
        }
        router.mutation("users.updateProfile", access: .user) { (input: ProfileInput, context) in
            let id = try Identifier.caller(context)
            try Self.validate(input)
            let user = try await store.users.updateProfile(id: id, ProfileUpdate(
                displayName: input.displayName, bio: input.bio, avatarUrl: input.avatarUrl, isPrivate: input.isPrivate))
            return UserPayload(user)
        }
        router.mutation("users.follow", access: .user) { (input: UserIDInput, context) in
            let me = try Identifier.caller(context)
            let other = try Identifier.parse(input.userId, field: "userId")
            guard try await store.users.find(id: other) != nil else { throw TRPCError.notFound("user not found") }
            if try await store.users.follow(followerId: me, followeeId: other, now: now()),
               let activity, let follower = try await store.users.find(id: me) {
                activity.followed(by: follower, followeeId: other)
            }
            return FollowPayload(userId: other.apiString, following: true)
        }
        router.mutation("users.unfollow", access: .user) { (input: UserIDInput, context) in
            let me = try Identifier.caller(context)
            let other = try Identifier.parse(input.userId, field: "userId")
            _ = try await store.users.unfollow(followerId: me, followeeId: other)
            return FollowPayload(userId: other.apiString, following: false)
        }
    }

    // MARK: accounts

    private func register(_ input: RegisterInput) async throws -> SignedInPayload {
        try InputValidation.length(input.username, field: "username", in: 3...32)
        try InputValidation.characters(input.username, field: "username",
                                       allowed: { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") },
                                       description: "letters, digits, _ and .")
        try InputValidation.byteLength(input.password, field: "password", in: 8...PasswordHasher.maxPasswordBytes)
        try InputValidation.nonEmpty(input.displayName, field: "displayName")
        try InputValidation.length(input.displayName, field: "displayName", in: 1...64)
        let hash: String
        do {
            hash = try await hasher.hash(input.password)
        } catch .unavailable {
            throw TRPCError.internalServerError
        } catch {
            throw InputValidation.failure("password", "must be 8-72 bytes without NUL characters")
        }
        let user = try await store.users.create(username: input.username, passwordHash: hash,
                                                displayName: input.displayName, now: now())
        return SignedInPayload(user: UserPayload(user), token: try await token(for: user))
    }

    /// Unknown usernames and wrong passwords get the same answer after a bcrypt of the same
    /// cost, so neither the message nor the time tells which usernames exist.
    private func login(_ input: LoginInput) async throws -> SignedInPayload {
        let wrong = TRPCError.unauthorized("wrong username or password")
        guard input.username.count <= 64, input.password.utf8.count <= 1024,
              let credentials = try await store.users.credentials(username: input.username) else {
            await hasher.verifyUnknownUser()
            throw wrong
        }
        guard await hasher.verify(input.password, against: credentials.passwordHash) else { throw wrong }
        return SignedInPayload(user: UserPayload(credentials.user), token: try await token(for: credentials.user))
    }

    private func token(for user: User) async throws -> String {
        try await tokens.sign(AuthenticatedUser(id: user.id.apiString, username: user.username), now: now())
    }

    private static func validate(_ input: ProfileInput) throws(TRPCError) {
        if let name = input.displayName {
            try InputValidation.nonEmpty(name, field: "displayName")
            try InputValidation.length(name, field: "displayName", in: 1...64)
        }
        if let bio = input.bio { try InputValidation.length(bio, field: "bio", in: 0...500) }
        if let url = input.avatarUrl, !url.isEmpty { try InputValidation.webURL(url, field: "avatarUrl") }
    }
}
