import Foundation
import GRDB
import Testing
@testable import Store

@Suite("Users and follows")
struct UserRepositoryTests {
    @Test("a created user is found by id and by username in any ASCII case")
    func createAndFind() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let alice = try await store.users.create(username: "Alice", passwordHash: "$2b$12$x", displayName: "Alice A",
                                                 now: at(1.2346))
        // Kept to the nearest millisecond, and what comes back equals what create returned.
        #expect(alice.createdAt == Date(millisecondsSince1970: 1_700_000_001_235))
        #expect(try await store.users.find(id: alice.id) == alice)
        #expect(try await store.users.find(username: "aLiCe") == alice)
        #expect(try await store.users.find(username: "bob") == nil)
        #expect(try await store.users.find(id: UUID()) == nil)
    }

    @Test("usernames are unique regardless of case, also below the repository")
    func usernameUniqueCaseInsensitive() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        _ = try await store.makeUser("Alice")
        await #expect(throws: StoreError.usernameTaken("ALICE")) {
            _ = try await store.makeUser("ALICE")
        }
        // The constraint itself, for a writer that skips the repository's check.
        await #expect(throws: DatabaseError.self) {
            try await store.pool.write { db in
                try db.execute(
                    sql: "INSERT INTO users (id, username, password_hash, display_name, created_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [UUID().storeKey, "alice", "h", "A", 0])
            }
        }
    }

    @Test("credentials carry the stored hash, and their description hides it")
    func credentialsHideHash() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let user = try await store.users.create(username: "carol", passwordHash: "$2b$12$secretsecret",
                                                displayName: "Carol", now: at(0))
        let credentials = try #require(try await store.users.credentials(username: "CAROL"))
        #expect(credentials.user == user)
        #expect(credentials.passwordHash == "$2b$12$secretsecret")
        #expect(!String(describing: credentials).contains("secret"))
        #expect(!String(reflecting: credentials).contains("secret"))
        #expect(try await store.users.credentials(username: "nobody") == nil)
    }

    @Test("profile updates change only the given fields; empty text clears")
    func updateProfile() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let user = try await store.makeUser("dave")
        let withBio = try await store.users.updateProfile(
            id: user.id, ProfileUpdate(bio: "hi", avatarUrl: "https://x/a.png", isPrivate: true))
        #expect(withBio.displayName == user.displayName)
        #expect(withBio.bio == "hi")
        #expect(withBio.avatarUrl == "https://x/a.png")
        #expect(withBio.isPrivate)
        let renamed = try await store.users.updateProfile(id: user.id, ProfileUpdate(displayName: "D", bio: ""))
        #expect(renamed.displayName == "D")
        #expect(renamed.bio == nil)
        #expect(renamed.avatarUrl == "https://x/a.png")
        #expect(renamed.isPrivate)
        #expect(try await store.users.find(id: user.id) == renamed)
        let missing = UUID()
        await #expect(throws: StoreError.userNotFound(missing)) {
            _ = try await store.users.updateProfile(id: missing, ProfileUpdate(bio: "x"))
        }
    }

    @Test("follow: self refused, unknown user refused, twice is idempotent, counts follow")
    func followRules() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let alice = try await store.makeUser("alice")
        let bob = try await store.makeUser("bob")
        let carol = try await store.makeUser("carol")

        await #expect(throws: StoreError.cannotFollowSelf) {
            try await store.users.follow(followerId: alice.id, followeeId: alice.id, now: at(1))
        }
        let ghost = UUID()
        await #expect(throws: StoreError.userNotFound(ghost)) {
            try await store.users.follow(followerId: alice.id, followeeId: ghost, now: at(1))
        }
        #expect(try await store.users.follow(followerId: alice.id, followeeId: bob.id, now: at(1)))
        #expect(try await !store.users.follow(followerId: alice.id, followeeId: bob.id, now: at(2)))
        #expect(try await store.users.follow(followerId: carol.id, followeeId: bob.id, now: at(3)))
        #expect(try await store.users.isFollowing(followerId: alice.id, followeeId: bob.id))
        #expect(try await !store.users.isFollowing(followerId: bob.id, followeeId: alice.id))

        let bobCounts = try await store.users.followCounts(userId: bob.id)
        #expect(bobCounts.followers == 2 && bobCounts.following == 0)
        let aliceCounts = try await store.users.followCounts(userId: alice.id)
        #expect(aliceCounts.followers == 0 && aliceCounts.following == 1)

        #expect(try await store.users.unfollow(followerId: alice.id, followeeId: bob.id))
        #expect(try await !store.users.unfollow(followerId: alice.id, followeeId: bob.id))
        #expect(try await store.users.followCounts(userId: bob.id).followers == 1)
    }

    @Test("a profile shows counts and whether the viewer follows")
    func profileForViewer() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let alice = try await store.makeUser("alice")
        let bob = try await store.makeUser("bob")
        try await store.users.follow(followerId: alice.id, followeeId: bob.id, now: at(1))

        let seenByAlice = try #require(try await store.users.profile(id: bob.id, viewerId: alice.id))
        #expect(seenByAlice.user == bob)
        #expect(seenByAlice.followers == 1 && seenByAlice.following == 0)
        #expect(seenByAlice.isFollowedByViewer == true)
        #expect(try await store.users.profile(id: alice.id, viewerId: bob.id)?.isFollowedByViewer == false)
        #expect(try await store.users.profile(id: bob.id, viewerId: bob.id)?.isFollowedByViewer == nil)
        #expect(try await store.users.profile(id: UUID(), viewerId: nil) == nil)
    }

    @Test("roles: users start as users; setRole by username in any case; the column takes nothing else")
    func roles() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let alice = try await store.makeUser("alice")
        #expect(alice.role == .user)
        #expect(try await store.users.find(id: alice.id)?.role == .user)
        let admin = try await store.users.setRole(username: "ALICE", role: .admin)
        #expect(admin.id == alice.id && admin.role == .admin)
        #expect(try await store.users.find(username: "alice")?.role == .admin)
        #expect(try await store.users.credentials(username: "alice")?.user.role == .admin)
        #expect(try await store.users.setRole(username: "alice", role: .admin).role == .admin)
        #expect(try await store.users.setRole(username: "alice", role: .user).role == .user)
        await #expect(throws: StoreError.unknownUsername("nobody")) {
            _ = try await store.users.setRole(username: "nobody", role: .admin)
        }
        await #expect(throws: DatabaseError.self) {
            try await store.pool.write { db in
                try db.execute(sql: "UPDATE users SET role = 'root' WHERE id = ?", arguments: [alice.id.storeKey])
            }
        }
    }
}
