import RTP

/// A synthetic microphone as a sender sees it, sans-I/O: each `nextPacket()` is the next 20 ms
/// of the tone, Opus-encoded, as one RTP packet (RFC 7587: one frame a packet, the timestamp
/// moves 960 at 48 kHz, the marker on the first packet of the talkspurt: the first one here,
/// since the tone never pauses). Plain RTP: the caller protects and sends it. It keeps the last
/// `history` packets for a server that NACKs audio (ours does not negotiate it for Opus; a
/// publisher that could not answer would be the weaker peer if one did).
public final class AudioPublisherTrack {
    public struct Settings: Sendable {
        /// The Opus payload type of the server's answer.
        public var payloadType: UInt8 = 111
        public var ssrc: UInt32
        public var channels = 1
        public var bitrate = 32_000
        public var frequency = 440.0
        /// Packets kept for retransmission (5 s of audio).
        public var history = 256

        public init(ssrc: UInt32) { self.ssrc = ssrc }
    }

    public let settings: Settings
    private var tone: ToneSource
    private let encoder: OpusEncoder
    private var pcm: [Int16]
    private var opus = [UInt8](repeating: 0, count: OpusEncoder.maxPacketBytes)
    private var builder: RTPPacketBuilder
    private var sent: [[UInt8]?]
    public private(set) var packetsSent = 0
    /// Payload bytes sent, and the RTP timestamp of the last frame: what a sender report says.
    public private(set) var octetsSent = 0
    public private(set) var lastTimestamp: UInt32?
    public private(set) var retransmitted = 0

    public init(_ settings: Settings, firstSequenceNumber: UInt16 = .random(in: 0...UInt16.max),
                firstTimestamp: UInt32 = .random(in: 0...UInt32.max)) throws(SyntheticMediaError) {
        self.settings = settings
        tone = ToneSource(frequency: settings.frequency, channels: settings.channels)
        encoder = try OpusEncoder(channels: settings.channels, bitrate: settings.bitrate)
        pcm = [Int16](repeating: 0, count: OpusEncoder.frameSamples * settings.channels)
        builder = RTPPacketBuilder(payloadType: settings.payloadType, sequenceNumber: firstSequenceNumber,
                                   timestamp: firstTimestamp, ssrc: settings.ssrc, marker: true)
        sent = Array(repeating: nil, count: max(1, settings.history))
    }

    /// The sequence number and timestamp the next packet gets.
    public var nextSequenceNumber: UInt16 { builder.sequenceNumber }
    public var nextTimestamp: UInt32 { builder.timestamp }

    /// The next 20 ms as an RTP packet.
    public func nextPacket() throws(SyntheticMediaError) -> [UInt8] {
        pcm.withUnsafeMutableBufferPointer { tone.next(into: $0) }
        let length: Result<Int, SyntheticMediaError> = pcm.withUnsafeBufferPointer { samples in
            opus.withUnsafeMutableBytes { out in Result { () throws(SyntheticMediaError) in try encoder.encode(samples, into: out) } }
        }
        let payload = Array(opus[0..<(try length.get())])
        let packet: [UInt8]
        do {
            packet = try builder.build(payload: payload)
        } catch {
            throw .codec("RTP: \(error)")
        }
        sent[Int(builder.sequenceNumber) % sent.count] = packet
        packetsSent += 1
        octetsSent += payload.count
        builder.marker = false
        builder.sequenceNumber &+= 1
        lastTimestamp = builder.timestamp
        builder.timestamp &+= UInt32(OpusEncoder.frameSamples)
        return packet
    }

    /// The packet sent as `sequenceNumber`, if it is still in the history (a NACK's answer).
    public func retransmission(of sequenceNumber: UInt16) -> [UInt8]? {
        guard let packet = sent[Int(sequenceNumber) % sent.count],
              packet.count >= 4, UInt16(packet[2]) << 8 | UInt16(packet[3]) == sequenceNumber else { return nil }
        retransmitted += 1
        return packet
    }
}
