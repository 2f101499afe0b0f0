import SDP
import SyntheticPeers

/// A viewer's WHEP offer with one recvonly VP8 section per publisher it watches (the server binds
/// each to one of the room's video tracks, in order: docs/signaling.md), bundled on one
/// transport, Chrome-shaped like `SyntheticPeer.offer`.
enum ViewerOffer {
    static func sdp(for peer: SyntheticPeer, videoSections: Int) -> String {
        let sections = max(1, videoSections)
        var lines = ["v=0", "o=- 4611731400430051337 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
                     "a=group:BUNDLE " + (0..<sections).map(String.init).joined(separator: " "), "a=msid-semantic: WMS"]
        for mid in 0..<sections {
            lines += ["m=video 9 UDP/TLS/RTP/SAVPF 96", "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0",
                      "a=ice-ufrag:\(peer.credentials.ufrag)", "a=ice-pwd:\(peer.credentials.password)",
                      "a=fingerprint:\(peer.certificate.fingerprint.sdpValue)", "a=setup:actpass", "a=mid:\(mid)",
                      "a=extmap:\(SyntheticPeer.midExtensionID) urn:ietf:params:rtp-hdrext:sdes:mid", "a=recvonly",
                      "a=rtcp-mux", "a=rtcp-rsize", "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli"]
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Video sections of an answer the server will send on (a room track was bound to them).
    static func boundSections(in answer: String) -> Int {
        guard let description = try? SessionDescription(parsing: answer) else { return 0 }
        return description.media.filter { $0.kind == .video && !$0.isRejected && $0.direction.sends }.count
    }
}
