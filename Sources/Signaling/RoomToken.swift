#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SFU

/// A verified room token: signature checked, not expired, room matched.
public struct RoomToken: Sendable, Equatable {
    /// Who holds it (JWT `sub`).
    public var user: String
    public var room: String
    public var role: RoomRole
    public var issuedAt: Date
    public var expiresAt: Date
    /// The token's own id (JWT `jti`), for logs and revocation lists.
    public var id: String
    /// The holder's display name (JWT `name`), if the issuer put one in.
    public var name: String?

    public init(user: String, room: String, role: RoomRole, issuedAt: Date, expiresAt: Date, id: String,
                name: String? = nil) {
        self.user = user
        self.room = room
        self.role = role
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.id = id
        self.name = name
    }
}
