import RTP

/// What the control plane negotiated for one published track (from the publisher's SDP).
///
/// The SSRCs route incoming packets to the track; `rtxSSRC`/`rtxPayloadType` mark the RFC 4588
/// repair stream whose packets are unwrapped back into media packets; `mid` lets a packet with an
/// unknown SSRC (publisher reconnected, track replaced) be bound to the track when the participant
/// told the room which header-extension id carries the MID.
public struct TrackDescriptor: Sendable, Equatable {
    /// How the publisher wants to be asked for a keyframe (SDP `a=rtcp-fb:* nack pli` or `ccm fir`).
    public enum KeyframeRequestMethod: Sendable, Equatable {
        case pli
        case fir
    }

    public var id: TrackID
    public var kind: MediaKind
    public var codec: CodecKind
    public var payloadType: UInt8
    /// RTP clock rate in Hz.
    public var clockRate: UInt32
    /// SSRC of the publisher's media stream.
    public var ssrc: UInt32
    /// SSRC of the publisher's RTX stream, when negotiated.
    public var rtxSSRC: UInt32?
    public var rtxPayloadType: UInt8?
    /// The SDP media id (`a=mid`), used to bind packets with an unknown SSRC.
    public var mid: String?
    /// The simulcast layer (`a=rid`) this track carries, when it is one.
    public var rid: String?
    public var keyframeRequestMethod: KeyframeRequestMethod
    /// The publisher accepts generic NACKs (`a=rtcp-fb:* nack`); browsers offer it for video.
    public var acceptsNACK: Bool
    /// The header-extension ids the publisher writes: what a forwarded packet's extensions
    /// are translated from.
    public var headerExtensions: HeaderExtensionIDs

    public init(id: TrackID, codec: CodecKind, payloadType: UInt8, clockRate: UInt32? = nil, ssrc: UInt32,
                rtxSSRC: UInt32? = nil, rtxPayloadType: UInt8? = nil, mid: String? = nil, rid: String? = nil,
                keyframeRequestMethod: KeyframeRequestMethod = .pli, acceptsNACK: Bool? = nil,
                headerExtensions: HeaderExtensionIDs = HeaderExtensionIDs()) {
        self.id = id
        self.kind = codec.mediaKind
        self.codec = codec
        self.payloadType = payloadType
        self.clockRate = clockRate ?? codec.defaultClockRate
        self.ssrc = ssrc
        self.rtxSSRC = rtxSSRC
        self.rtxPayloadType = rtxPayloadType
        self.mid = mid
        self.rid = rid
        self.keyframeRequestMethod = keyframeRequestMethod
        self.acceptsNACK = acceptsNACK ?? (codec.mediaKind == .video)
        self.headerExtensions = headerExtensions
    }

    /// Throws when the descriptor cannot work: payload types over 127, a zero clock rate, an RTX
    /// SSRC without an RTX payload type (or the reverse, except for a rid layer, whose RTX SSRC
    /// is learned from the repaired-rid extension), or RTX sharing the media SSRC/PT.
    public func validate() throws(SFUError) {
        guard payloadType <= 0x7F else { throw .invalidConfiguration("payload type \(payloadType) over 127") }
        guard clockRate > 0 else { throw .invalidConfiguration("clock rate 0") }
        guard (rtxSSRC == nil) == (rtxPayloadType == nil) || (rtxSSRC == nil && rid != nil) else {
            throw .invalidConfiguration("RTX needs both an SSRC and a payload type")
        }
        if let rtxPayloadType {
            guard rtxPayloadType <= 0x7F else { throw .invalidConfiguration("RTX payload type over 127") }
            guard rtxPayloadType != payloadType else { throw .invalidConfiguration("RTX payload type equals the media one") }
        }
        if let rtxSSRC, rtxSSRC == ssrc { throw .invalidConfiguration("RTX SSRC equals the media SSRC") }
    }
}
