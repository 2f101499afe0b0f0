// Signaling: how clients reach the media plane.
//
// What it does: room tokens (HS256 JWTs: who, which room, which role, until when) and the key
// they are signed with; WHIP (RFC 9725) and WHEP (draft-ietf-wish-whep) HTTP endpoints; the
// versioned JSON protocol on the `/rtc` WebSocket (join, offer/answer, trickle, leave, room
// events), documented in docs/signaling.md; a per-room membership hub that tells sockets who came
// and went; and a small browser page (`GET /`) that publishes with WHIP and watches with WHEP.
//
// What it does not: no media, no ICE/DTLS, no SDP answering. Every media decision is made by the
// `MediaPlane` (Sources/SFU/MediaPlane.swift); signaling only checks who may ask (the role comes
// from the token, never from the client) and carries offers, answers and candidates across.
// Nothing here is on the packet path.

/// Versions of what signaling speaks on the wire.
public enum SignalingProtocol {
    /// The WebSocket JSON protocol version this server speaks (`joined.protocol`).
    public static let version = 1
}
