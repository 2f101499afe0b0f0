import DTLS
import Foundation
import SyntheticMedia
import SyntheticPeers

/// Brings one synthetic peer into a room: the WHIP or WHEP exchange, then ICE and the DTLS
/// handshake. The handshake blocks in poll(2) for up to its timeout, so it runs on a thread of
/// its own, never on Swift's cooperative pool (the progress loop, the API calls and the room
/// listener run there).
struct PeerJoiner: Sendable {
    let wish: WISHClient
    let endpoints: Endpoints
    let certificate: DTLSCertificate
    /// The address the server's candidate must carry (the target the policy allowed).
    let serverAddress: String
    /// Where peer sockets bind (host order): loopback, or any for a namespace target.
    let localAddress: UInt32
    let transport: SyntheticPeer.Transport

    /// Where WHIP and WHEP requests go: Chobi's `/whip/{room}`/`/whep/{room}`, or fixed URLs.
    struct Endpoints: Sendable {
        var base: URL
        var whip: URL?
        var whep: URL?

        func publish(room: String) -> URL { whip ?? WISHClient.endpoint(base: base, room: room, publish: true) }
        func watch(room: String) -> URL { whep ?? WISHClient.endpoint(base: base, room: room, publish: false) }
    }

    struct Joined: @unchecked Sendable {
        // @unchecked: the peer is handed from the connecting thread to its one reader, never shared.
        let peer: SyntheticPeer
        let answer: String
        let resource: URL?
    }

    func publisher(room: String, token: String?, media: MediaSetup, ssrcs: MediaSetup.PublisherSSRCs) async throws -> Joined {
        let peer = try SyntheticPeer(certificate: certificate, transport: transport, localAddress: localAddress)
        let (answer, resource) = try await wish.exchange(offer: media.publisherOffer(peer, ssrcs: ssrcs),
                                                         endpoint: endpoints.publish(room: room), token: token)
        try peer.accept(answer: answer, serverAddress: serverAddress)
        let joined = Joined(peer: peer, answer: answer, resource: resource)
        try await Self.offPool { try joined.peer.connect() }
        return joined
    }

    func viewer(room: String, token: String?, publishers: Int, media: MediaSetup) async throws -> Joined {
        let peer = try SyntheticPeer(certificate: certificate, receiveBuffer: 1 << 20, transport: transport,
                                     localAddress: localAddress)
        let offer = ViewerOffer.sdp(for: peer, videoSections: publishers, audio: media.audio, remb: media.rembBitrate != nil,
                                    transportCC: media.transportCC)
        let (answer, resource) = try await wish.exchange(offer: offer,
                                                         endpoint: endpoints.watch(room: room), token: token)
        try peer.accept(answer: answer, serverAddress: serverAddress)
        let joined = Joined(peer: peer, answer: answer, resource: resource)
        try await Self.offPool { try joined.peer.connect() }
        return joined
    }

    /// Runs blocking `work` on a plain thread and waits for it without holding a pool thread.
    static func offPool(_ work: @escaping @Sendable () throws -> Void) async throws {
        let thread = ThreadHolder()
        defer { thread.value?.join() }  // it has resumed us and is ending: reap it
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            thread.value = PeerThread {
                do {
                    try work()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    private final class ThreadHolder: @unchecked Sendable {
        // @unchecked: set once before the await returns, read after.
        var value: PeerThread?
    }
}
