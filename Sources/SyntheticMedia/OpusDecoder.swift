import COpus

/// libopus's decoder for synthetic viewers: one RTP payload in, 48 kHz PCM out into a buffer
/// it owns (room for the longest packet Opus allows, 120 ms), and loss concealment for packets
/// that never came. Payloads come from the network: an empty one or one libopus refuses is a
/// typed error, and the decoder stays usable.
public final class OpusDecoder {
    /// 120 ms at 48 kHz: the longest a single Opus packet may last (RFC 6716 §3.2.5).
    public static let maxFrameSamples = 5760

    public let channels: Int
    private let decoder: OpaquePointer
    /// Interleaved PCM of the last `decode` or `conceal`: `samplesDecoded × channels` valid samples.
    public private(set) var pcm: [Int16]
    public private(set) var samplesDecoded = 0

    public init(channels: Int = 2) throws(SyntheticMediaError) {
        guard channels == 1 || channels == 2 else { throw .unsupported("Opus channels must be 1 or 2, not \(channels)") }
        self.channels = channels
        var error: Int32 = OPUS_OK
        guard let decoder = opus_decoder_create(Int32(OpusEncoder.sampleRate), Int32(channels), &error),
              error == OPUS_OK else { throw .codec(OpusEncoder.message(error)) }
        self.decoder = decoder
        pcm = [Int16](repeating: 0, count: Self.maxFrameSamples * channels)
    }

    deinit { opus_decoder_destroy(decoder) }

    /// Decodes one Opus packet (an RTP payload); returns the samples per channel it gave.
    @discardableResult
    public func decode(_ packet: UnsafeRawBufferPointer) throws(SyntheticMediaError) -> Int {
        // libopus reads an empty packet as "lost": that is `conceal`'s job, not the network's.
        guard let bytes = packet.baseAddress, !packet.isEmpty else { throw .badPayload("empty Opus packet") }
        guard packet.count <= 6 * OpusEncoder.maxPacketBytes else { throw .badPayload("\(packet.count) bytes is no Opus packet") }
        let count = Int32(packet.count)
        let capacity = Int32(Self.maxFrameSamples)
        let decoded = pcm.withUnsafeMutableBufferPointer { out -> Int32 in
            guard let samples = out.baseAddress else { return OPUS_BUFFER_TOO_SMALL }
            return opus_decode(decoder, bytes.assumingMemoryBound(to: UInt8.self), count, samples, capacity, 0)
        }
        guard decoded >= 0 else {
            samplesDecoded = 0
            throw .codec(OpusEncoder.message(decoded))
        }
        samplesDecoded = Int(decoded)
        return samplesDecoded
    }

    public func decode(_ packet: [UInt8]) throws(SyntheticMediaError) -> Int {
        let result: Result<Int, SyntheticMediaError> = packet.withUnsafeBytes { bytes in
            Result { () throws(SyntheticMediaError) in try decode(bytes) }
        }
        return try result.get()
    }

    /// Packet loss concealment for one missing `samples`-long frame (libopus extrapolates from
    /// what it decoded last); returns the samples per channel it gave.
    @discardableResult
    public func conceal(samples: Int = OpusEncoder.frameSamples) -> Int {
        let wanted = Int32(min(max(samples, 120), Self.maxFrameSamples))
        let decoded = pcm.withUnsafeMutableBufferPointer { out -> Int32 in
            guard let samples = out.baseAddress else { return OPUS_BUFFER_TOO_SMALL }
            return opus_decode(decoder, nil, 0, samples, wanted, 0)
        }
        samplesDecoded = max(0, Int(decoded))
        return samplesDecoded
    }
}
