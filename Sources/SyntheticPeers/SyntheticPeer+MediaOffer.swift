import SDP

/// What a synthetic peer's offer carries beyond the one VP8 section of `offer(sendingSSRC:)`:
/// an Opus section, simulcast layers, REMB. Written the way Chrome writes them, so the server
/// takes our peers down the same paths as a browser's.
public struct MediaOffer: Sendable, Equatable {
    /// Whether the peer publishes (sendonly) or watches (recvonly).
    public var sends: Bool
    /// A publisher's one video encoding (`a=ssrc`); unused with `rids`.
    public var videoSSRC: UInt32?
    /// A publisher's simulcast layers, lowest first (`a=rid` and `a=simulcast:send`, SSRCs
    /// learned by the server from the rtp-stream-id extension, no `a=ssrc`).
    public var rids: [String] = []
    /// An Opus section (mid 1) after the video one.
    public var audio = false
    /// A publisher's audio SSRC.
    public var audioSSRC: UInt32?
    /// Offer `goog-remb` on video. The server allocates simulcast layers only to viewers that
    /// tell it an estimate; a viewer with REMB (and no loss reports) is given what it can use.
    public var remb = false

    public static let videoPayloadType: UInt8 = 96
    public static let audioPayloadType: UInt8 = 111
    public static let ridExtensionID: UInt8 = 10

    public init(sends: Bool, videoSSRC: UInt32? = nil, rids: [String] = [], audio: Bool = false, audioSSRC: UInt32? = nil,
                remb: Bool = false) {
        self.sends = sends
        self.videoSSRC = videoSSRC
        self.rids = rids
        self.audio = audio
        self.audioSSRC = audioSSRC
        self.remb = remb
    }
}

extension SyntheticPeer {
    /// A BUNDLEd offer: video (mid 0), then Opus (mid 1) when `media.audio`.
    public func offer(_ media: MediaOffer) -> String {
        let direction = media.sends ? "a=sendonly" : "a=recvonly"
        let mids = media.audio ? "0 1" : "0"
        var lines = ["v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE \(mids)",
                     "a=msid-semantic: WMS"]
        func transport(mid: String) -> [String] {
            ["c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0", "a=ice-ufrag:\(credentials.ufrag)",
             "a=ice-pwd:\(credentials.password)", "a=fingerprint:\(certificate.fingerprint.sdpValue)", "a=setup:actpass",
             "a=mid:\(mid)", "a=extmap:\(Self.midExtensionID) \(HeaderExtensionURI.mid)"]
        }
        let video = MediaOffer.videoPayloadType
        lines.append("m=video 9 UDP/TLS/RTP/SAVPF \(video)")
        lines += transport(mid: "0")
        let simulcast = media.sends && !media.rids.isEmpty
        if simulcast { lines.append("a=extmap:\(MediaOffer.ridExtensionID) \(HeaderExtensionURI.rtpStreamID)") }
        lines.append(direction)
        if media.sends { lines.append("a=msid:bench video0") }
        lines += ["a=rtcp-mux", "a=rtcp-rsize", "a=rtpmap:\(video) VP8/90000", "a=rtcp-fb:\(video) nack",
                  "a=rtcp-fb:\(video) nack pli"]
        if media.remb { lines.append("a=rtcp-fb:\(video) goog-remb") }
        if simulcast {
            lines += media.rids.map { "a=rid:\($0) send" }
            lines.append("a=simulcast:send " + media.rids.joined(separator: ";"))
        } else if media.sends, let ssrc = media.videoSSRC {
            lines.append("a=ssrc:\(ssrc) cname:bench")
        }
        if media.audio {
            let audio = MediaOffer.audioPayloadType
            lines.append("m=audio 9 UDP/TLS/RTP/SAVPF \(audio)")
            lines += transport(mid: "1")
            lines.append(direction)
            if media.sends { lines.append("a=msid:bench audio0") }
            lines += ["a=rtcp-mux", "a=rtcp-rsize", "a=rtpmap:\(audio) opus/48000/2", "a=fmtp:\(audio) minptime=10;useinbandfec=1"]
            if media.sends, let ssrc = media.audioSSRC { lines.append("a=ssrc:\(ssrc) cname:bench") }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The payload type the server's answer agreed for codec `name` (e.g. "opus", "VP8") in
    /// an accepted section; nil before `accept(answer:)` or when it was refused.
    /// The id the answer gives a header extension (by URI), nil when it was not accepted.
    public func answeredExtensionID(_ uri: String) -> UInt8? {
        guard let answer else { return nil }
        for section in answer.media where !section.isRejected {
            if let map = section.extensionMaps.first(where: { $0.uri == uri }) { return UInt8(exactly: map.id) }
        }
        return nil
    }

    public func answeredPayloadType(codec name: String) -> UInt8? {
        guard let answer else { return nil }
        for section in answer.media where !section.isRejected {
            if let codec = section.codecs.first(where: { $0.hasName(name) }) { return codec.payloadType }
        }
        return nil
    }
}
