/// A codec we can receive and forward, with the parameters and feedback we support for it.
/// The answerer matches offered codecs against these; the offerer turns them into codecs.
public struct CodecCapability: Hashable, Sendable {
    public var kind: MediaKind
    public var name: String
    public var clockRate: UInt32
    public var channels: UInt8?
    /// Parameters we want in the answer when the offer doesn't set them; for H.264 the
    /// `packetization-mode` and `profile-level-id` here also decide what matches.
    public var parameters: [Parameter]
    /// Feedback we support; the answer keeps the offered feedback that is in this list.
    public var feedback: [RTCPFeedbackType]
    /// Whether we accept RTX (RFC 4588) retransmissions for this codec.
    public var rtx: Bool

    public init(kind: MediaKind, name: String, clockRate: UInt32, channels: UInt8? = nil,
                parameters: [Parameter] = [], feedback: [RTCPFeedbackType] = [], rtx: Bool = false) {
        self.kind = kind
        self.name = name
        self.clockRate = clockRate
        self.channels = channels
        self.parameters = parameters
        self.feedback = feedback
        self.rtx = rtx
    }

    static let videoFeedback: [RTCPFeedbackType] = [.nack, .pli, .fir, .remb, .transportCC]

    /// Opus 48 kHz stereo with in-band FEC, 10 ms minimum packets.
    public static let opus = CodecCapability(
        kind: .audio, name: "opus", clockRate: 48000, channels: 2,
        parameters: [Parameter("minptime", "10"), Parameter("useinbandfec", "1")], feedback: [.transportCC])

    public static let vp8 = CodecCapability(kind: .video, name: "VP8", clockRate: 90000, feedback: videoFeedback, rtx: true)

    /// H.264 Constrained Baseline (and Baseline), non-interleaved mode.
    public static let h264 = CodecCapability(
        kind: .video, name: "H264", clockRate: 90000,
        parameters: [Parameter("level-asymmetry-allowed", "1"), Parameter("packetization-mode", "1"),
                     Parameter("profile-level-id", "42e01f")],
        feedback: videoFeedback, rtx: true)

    /// Whether an offered codec is one we can take: same name (case-insensitive), clock rate and
    /// channel count; for H.264 the same packetization mode and a profile of the same family.
    public func matches(_ offered: Codec) -> Bool {
        guard offered.hasName(name), offered.clockRate == clockRate else { return false }
        if let channels, (offered.channels ?? 1) != channels { return false }
        if offered.hasName("H264") {
            let mode = { (p: [Parameter]) in p[parameter: "packetization-mode"] ?? "0" }
            guard mode(offered.parameters) == mode(parameters) else { return false }
            let profile = { (p: [Parameter]) in
                p[parameter: "profile-level-id"].map { H264ProfileLevelID($0) } ?? H264ProfileLevelID.default
            }
            guard let ours = profile(parameters), let theirs = profile(offered.parameters) else { return false }
            return ours.isBaselineFamily ? theirs.isBaselineFamily : ours.profile == theirs.profile
        }
        return true
    }

    /// The codec to answer with: the offer's payload type and parameters (the offerer's
    /// profile and level are what it will send), our missing parameters added, and feedback cut
    /// down to what we support.
    public func answer(for offered: Codec) -> Codec {
        var codec = offered
        for p in parameters where offered.parameters[parameter: p.name] == nil { codec.parameters.append(p) }
        codec.feedback = offered.feedback.filter(feedback.contains)
        return codec
    }

    /// This capability as a codec with our parameters and feedback, for offers we write.
    public func codec(payloadType: UInt8) -> Codec {
        Codec(payloadType: payloadType, name: name, clockRate: clockRate, channels: channels,
              parameters: parameters, feedback: feedback)
    }
}
