import Foundation
import SFU
import Signaling

/// Room tokens minted from the server's own key (`--data-dir`'s jwt.key or `CHOBI_JWT_SECRET`),
/// as `chobi-server token` mints them: no accounts, no sessions, no chat or gifts. The quickest
/// way to put a thousand viewers in a plain room.
struct MintedCasting {
    let key: RoomTokenKey
    let lifetime: Duration

    func cast(room: String, guests: Int, viewerSlots: Int, runTag: String) async throws -> RoomCast {
        let signer = await RoomTokenSigner(key: key)
        func token(_ user: String, _ role: RoomRole, _ name: String?) async throws -> String {
            try await signer.sign(user: user, room: room, role: role, lifetime: lifetime, now: Date(), name: name)
        }
        var guestTokens: [String] = []
        for g in 0..<guests { guestTokens.append(try await token("load-guest-\(g)-\(runTag)", .guest, "Load guest \(g)")) }
        var viewerTokens: [String] = []
        for v in 0..<viewerSlots { viewerTokens.append(try await token("load-viewer-\(v)-\(runTag)", .viewer, nil)) }
        return RoomCast(room: room, hostToken: try await token("load-host-\(runTag)", .host, "Load host"),
                        guestTokens: guestTokens, viewerTokens: viewerTokens,
                        listenerToken: try await token("load-listener-\(runTag)", .viewer, nil))
    }
}
