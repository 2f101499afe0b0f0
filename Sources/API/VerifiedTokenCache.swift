#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// User tokens that verified, by their exact text, until they expire. A client sends the same
/// token with every request; checking it again costs an HMAC and two JSON decodes (a tenth of a
/// gift's request path). A hit needs the very bytes that verified, so it grants nothing a
/// stranger could not already get by presenting that token; expiry is still checked per request.
final class VerifiedTokenCache: Sendable {
    private struct Entry {
        let user: AuthenticatedUser
        let expires: Date
    }

    /// Entries kept at most; when full the cache starts over (memory stays bounded, ~300 bytes each,
    /// and a burst of fresh tokens costs only the verifications it would have cost anyway).
    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    /// The user a previously verified `token` names, if it has not expired at `now`.
    func user(for token: String, now: Date) -> AuthenticatedUser? {
        entries.withLock { entries in
            guard let entry = entries[token] else { return nil }
            guard now < entry.expires else {
                entries[token] = nil
                return nil
            }
            return entry.user
        }
    }

    func remember(_ token: String, as user: AuthenticatedUser, until expires: Date) {
        entries.withLock { entries in
            if entries.count >= capacity, entries[token] == nil { entries.removeAll(keepingCapacity: true) }
            entries[token] = Entry(user: user, expires: expires)
        }
    }

    var count: Int { entries.withLock { $0.count } }
}
