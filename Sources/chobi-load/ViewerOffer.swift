import SDP
import SyntheticPeers

/// A viewer's WHEP offer with one recvonly VP8 section per publisher it watches, and as many
/// recvonly Opus sections when audio is on (the server binds each to one of the room's tracks of
/// its kind, in order: docs/signaling.md), bundled on one transport, Chrome-shaped like
/// `SyntheticPeer.offer`. `remb` offers goog-remb: the SFU allocates simulcast layers only to
/// viewers that tell it an estimate. `transportCC` offers transport-wide congestion control as
/// browsers do: the SFU then numbers every packet to the viewer and estimates its bandwidth from
/// the viewer's feedback (GoogCC), the work a real audience makes it do.
enum ViewerOffer {
    static let transportCCURI = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"

    static func sdp(for peer: SyntheticPeer, videoSections: Int, audio: Bool = false, remb: Bool = false,
                    transportCC: Bool = false) -> String {
        let sections = max(1, videoSections)
        let kinds = Array(repeating: SDP.MediaKind.video, count: sections) + (audio ? Array(repeating: .audio, count: sections) : [])
        var lines = ["v=0", "o=- 4611731400430051337 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
                     "a=group:BUNDLE " + kinds.indices.map(String.init).joined(separator: " "), "a=msid-semantic: WMS"]
        let video = MediaOffer.videoPayloadType
        let opus = MediaOffer.audioPayloadType
        for (mid, kind) in kinds.enumerated() {
            lines += [kind == .video ? "m=video 9 UDP/TLS/RTP/SAVPF \(video)" : "m=audio 9 UDP/TLS/RTP/SAVPF \(opus)",
                      "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0",
                      "a=ice-ufrag:\(peer.credentials.ufrag)", "a=ice-pwd:\(peer.credentials.password)",
                      "a=fingerprint:\(peer.certificate.fingerprint.sdpValue)", "a=setup:actpass", "a=mid:\(mid)",
                      "a=extmap:\(SyntheticPeer.midExtensionID) urn:ietf:params:rtp-hdrext:sdes:mid", "a=recvonly",
                      "a=rtcp-mux", "a=rtcp-rsize"]
            if transportCC { lines.append("a=extmap:\(SyntheticPeer.transportCCExtensionID) \(transportCCURI)") }
            if kind == .video {
                lines += ["a=rtpmap:\(video) VP8/90000", "a=rtcp-fb:\(video) nack", "a=rtcp-fb:\(video) nack pli"]
                if remb { lines.append("a=rtcp-fb:\(video) goog-remb") }
                if transportCC { lines.append("a=rtcp-fb:\(video) transport-cc") }
            } else {
                lines += ["a=rtpmap:\(opus) opus/48000/2", "a=fmtp:\(opus) minptime=10;useinbandfec=1"]
                if transportCC { lines.append("a=rtcp-fb:\(opus) transport-cc") }
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Video sections of an answer the server will send on (a room track was bound to them).
    static func boundSections(in answer: String) -> Int {
        guard let description = try? SessionDescription(parsing: answer) else { return 0 }
        return description.media.filter { $0.kind == .video && !$0.isRejected && $0.direction.sends }.count
    }
}
