import RTP
import SDP

/// What a peer's negotiated sections say about RTP beyond codecs: the header-extension ids of its
/// bundle (one table for every section, RFC 8843 §9.2), and which congestion feedback each
/// direction uses. Recomputed after every offer/answer, so a renegotiation that adds a section
/// with new extensions takes effect at once.
struct PeerRTPFeatures: Sendable, Equatable {
    enum Feedback: Sendable, Equatable {
        case none
        /// Transport-wide sequence numbers and RTPFB 15 feedback (send-side estimation).
        case transportCC
        /// abs-send-time and REMB (receive-side estimation), for peers without transport-cc.
        case remb
    }

    var extensions = HeaderExtensionIDs()
    /// What the SFU sends the peer about the media it publishes.
    var publisherFeedback = Feedback.none
    /// What the peer sends the SFU about the media it receives.
    var viewerFeedback = Feedback.none

    init() {}

    init(sections: [SectionState]) {
        let live = sections.filter { !$0.isRejected && ($0.kind == .audio || $0.kind == .video) }
        func id(_ uri: String) -> UInt8 {
            for section in live {
                if let e = section.headerExtensions.first(where: { $0.uri == uri }), e.id >= 1, e.id <= 255 {
                    return UInt8(e.id)
                }
            }
            return 0
        }
        extensions.mid = id(HeaderExtensionURI.mid)
        extensions.rtpStreamID = id(HeaderExtensionURI.rtpStreamID)
        extensions.repairedRTPStreamID = id(HeaderExtensionURI.repairedRTPStreamID)
        extensions.absSendTime = id(HeaderExtensionURI.absSendTime)
        extensions.transportSequenceNumber = id(HeaderExtensionURI.transportWideCC)
        extensions.audioLevel = id(HeaderExtensionURI.audioLevel)
        extensions.absCaptureTime = id(HeaderExtensionURI.absCaptureTime)
        extensions.playoutDelay = id(HeaderExtensionURI.playoutDelay)
        extensions.videoOrientation = id(HeaderExtensionURI.videoOrientation)

        let receiving = live.filter { if case .receiving = $0.usage { true } else { false } }
        let sending = live.filter { $0.sentTrack != nil }
        publisherFeedback = Self.feedback(of: receiving, extensions: extensions)
        viewerFeedback = Self.feedback(of: sending, extensions: extensions)
    }

    /// transport-cc wins when both sides can do it (browsers then ignore REMB for estimation);
    /// REMB needs abs-send-time to estimate from.
    private static func feedback(of sections: [SectionState], extensions: HeaderExtensionIDs) -> Feedback {
        let feedback = sections.flatMap { $0.codecs.flatMap(\.feedback) }
        if extensions.transportSequenceNumber != 0, feedback.contains(.transportCC) { return .transportCC }
        if feedback.contains(.remb) { return .remb }
        return .none
    }
}
