import Foundation

/// Accounts and live sessions through the control API, as an app makes them: per room a host
/// (`users.register`, `streaming.createSession`), guests (`streaming.inviteGuest`, then the
/// guest's `streaming.respondToInvite`), viewers (`users.register`, `streaming.joinSession`),
/// members who chat and who send gifts, and one that listens on `/rtc`. Coins come from
/// `CoinGrant`. Calls run a few at a time and wait out 429s as the server says.
struct SessionCasting {
    let api: TRPCClient
    let runTag: String
    /// Requests in flight at once while casting (bcrypt makes each register tens of ms).
    let concurrency = 4

    struct Account: Sendable {
        var id: String
        var username: String
        var token: String
    }

    struct Needs: Sendable {
        var guests: Int
        var viewerAccounts: Int
        var chatters: Int
        var gifters: Int
    }

    /// Everyone of one room; also returns the gifters' accounts (coins go to them) and the host's id.
    func cast(roomIndex r: Int, needs: Needs) async throws -> (cast: RoomCast, gifters: [Account]) {
        let host = try await register("lh\(r)x\(runTag)", display: "Load host \(r)")
        let created = try await api.authorized(host.token).mutate("streaming.createSession", ["title": "chobi-load room \(r)"])
        let session = try field(created, "session", "id")
        let hostToken = try field(created, "roomToken")

        var guestTokens: [String] = []
        for g in 0..<needs.guests {
            let guest = try await register("lg\(r)g\(g)x\(runTag)", display: "Load guest \(r).\(g)")
            _ = try await api.authorized(host.token).mutate("streaming.inviteGuest", ["sessionId": session, "userId": guest.id])
            let answer = try await api.authorized(guest.token).mutate("streaming.respondToInvite",
                                                                      ["sessionId": session, "accept": true])
            guestTokens.append(try field(answer, "roomToken"))
        }
        let viewers = try await members(prefix: "lv\(r)v", count: needs.viewerAccounts, session: session, display: "Viewer")
        let chatters = try await members(prefix: "lc\(r)c", count: needs.chatters, session: session, display: "Chatter")
        let gifters = try await members(prefix: "lf\(r)f", count: needs.gifters, session: session, display: "Fan")
        let listener = try await members(prefix: "ll\(r)l", count: 1, session: session, display: "Listener")
        let cast = RoomCast(room: session, hostToken: hostToken, hostUserToken: host.token, guestTokens: guestTokens,
                            viewerTokens: viewers.map(\.roomToken), chatterTokens: chatters.map(\.account.token),
                            gifterTokens: gifters.map(\.account.token), listenerToken: listener.first?.roomToken,
                            sessionID: session)
        return (cast, gifters.map(\.account))
    }

    /// `count` accounts that joined the session: their user and room tokens, a few at a time.
    private func members(prefix: String, count: Int, session: String, display: String) async throws
        -> [(account: Account, roomToken: String)]
    {
        guard count > 0 else { return [] }
        return try await withThrowingTaskGroup(of: (Int, Account, String).self) { group in
            var out = [(account: Account, roomToken: String)?](repeating: nil, count: count)
            var next = 0
            func start() {
                let index = next
                next += 1
                group.addTask {
                    let account = try await register("\(prefix)\(index)x\(runTag)", display: "\(display) \(index)")
                    let joined = try await api.authorized(account.token).mutate("streaming.joinSession", ["sessionId": session])
                    return (index, account, try field(joined, "roomToken"))
                }
            }
            while next < min(concurrency, count) { start() }
            while let (index, account, token) = try await group.next() {
                out[index] = (account, token)
                if next < count { start() }
            }
            return out.compactMap { $0 }
        }
    }

    func register(_ username: String, display: String) async throws -> Account {
        let password = UUID().uuidString
        let answer = try await api.mutate("users.register", ["username": username, "password": password, "displayName": display])
        return Account(id: try field(answer, "user", "id"), username: username, token: try field(answer, "token"))
    }
}
