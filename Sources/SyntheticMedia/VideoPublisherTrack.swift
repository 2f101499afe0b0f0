import RTP

/// A synthetic camera as a sender sees it, sans-I/O: each `nextFrame(at:)` renders the stamped
/// pattern, encodes it with libvpx and returns the frame's RTP packets (plain RTP: the caller
/// protects and sends them). It answers a PLI with a keyframe on the next frame and a NACK from
/// the packets it sent last (`history` of them), as a browser does: a load test whose publishers
/// ignore repair measures a server nobody runs.
public final class VideoPublisherTrack {
    public struct Settings: Sendable {
        public var width = 640
        public var height = 480
        public var fps = 30
        public var bitrate = 1_000_000
        public var payloadType: UInt8 = 96
        public var ssrc: UInt32
        public var maxPayload = 1100
        /// Packets kept for retransmission (about 2 s at 1 Mbit/s).
        public var history = 512
        /// A simulcast layer's RTP stream id, sent in every packet with the section's mid (the
        /// server learns the layer's SSRC from them, RFC 8852), as a browser sends them.
        public var rid: String?
        public var mid = "0"
        public var midExtensionID: UInt8 = 4
        public var ridExtensionID: UInt8 = 10

        public init(ssrc: UInt32) { self.ssrc = ssrc }
    }

    public let settings: Settings
    private let pattern: TestPattern
    private let encoder: VP8Encoder
    private var picture: I420Frame
    private var packetizer: VP8Packetizer
    private var builder: RTPPacketBuilder
    private var counter: UInt32 = 0
    private var keyframeWanted = true
    /// Sent packets by sequence number modulo `history`, for NACKs.
    private var sent: [[UInt8]?]
    public private(set) var framesSent = 0
    public private(set) var packetsSent = 0
    /// Payload bytes sent, and the RTP timestamp of the last frame: what a sender report says.
    public private(set) var octetsSent = 0
    public private(set) var lastTimestamp: UInt32?
    public private(set) var keyframesSent = 0
    public private(set) var retransmitted = 0

    public init(_ settings: Settings) throws(SyntheticMediaError) {
        self.settings = settings
        pattern = TestPattern(width: settings.width, height: settings.height)
        encoder = try VP8Encoder(width: settings.width, height: settings.height, fps: settings.fps, bitrate: settings.bitrate)
        picture = I420Frame(width: settings.width, height: settings.height)
        packetizer = VP8Packetizer(maxPayload: settings.maxPayload, firstPictureID: UInt16.random(in: 0...0x7FFF))
        builder = RTPPacketBuilder(payloadType: settings.payloadType, sequenceNumber: UInt16.random(in: 0...UInt16.max),
                                   timestamp: UInt32.random(in: 0...UInt32.max), ssrc: settings.ssrc)
        sent = Array(repeating: nil, count: max(1, settings.history))
        if let rid = settings.rid {
            builder.extensions = [RTPHeaderExtension(id: settings.midExtensionID, value: Array(settings.mid.utf8)),
                                  RTPHeaderExtension(id: settings.ridExtensionID, value: Array(rid.utf8))]
        }
    }

    /// The sequence number the next packet gets.
    public var nextSequenceNumber: UInt16 { builder.sequenceNumber }

    /// A viewer lost the picture (PLI/FIR): the next frame is a keyframe.
    public func requestKeyframe() { keyframeWanted = true }

    /// The next frame's packets, captured at `captureMilliseconds` on the caller's clock (drawn
    /// into the picture, so a viewer's latency is its clock at decode minus this).
    public func nextFrame(captureMilliseconds: UInt32) throws(SyntheticMediaError) -> [[UInt8]] {
        pattern.render(FrameStamp(counter: counter, captureMilliseconds: captureMilliseconds), into: &picture)
        let frames = try encoder.encode(picture, pts: Int64(counter), keyframe: keyframeWanted)
        keyframeWanted = false
        counter &+= 1
        var packets: [[UInt8]] = []
        for frame in frames {
            framesSent += 1
            if frame.isKeyframe { keyframesSent += 1 }
            let payloads = packetizer.packetize(frame.bytes)
            for (index, payload) in payloads.enumerated() {
                builder.marker = index == payloads.count - 1
                guard let packet = try? builder.build(payload: payload) else { continue }
                sent[Int(builder.sequenceNumber) % sent.count] = packet
                packets.append(packet)
                packetsSent += 1
                octetsSent += payload.count
                builder.sequenceNumber &+= 1
            }
        }
        lastTimestamp = builder.timestamp
        builder.timestamp &+= UInt32(90_000 / max(1, settings.fps))
        return packets
    }

    /// The packet sent as `sequenceNumber`, if it is still in the history (a NACK's answer).
    public func retransmission(of sequenceNumber: UInt16) -> [UInt8]? {
        guard let packet = sent[Int(sequenceNumber) % sent.count],
              packet.count >= 4, UInt16(packet[2]) << 8 | UInt16(packet[3]) == sequenceNumber else { return nil }
        retransmitted += 1
        return packet
    }
}
