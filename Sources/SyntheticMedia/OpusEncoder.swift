import CChobiShims
import COpus

/// libopus's encoder set up as WebRTC uses it: 48 kHz, 20 ms frames (960 samples a channel),
/// VoIP application, constant frame size. Mono by default: browsers send mono inside the
/// `opus/48000/2` format the SDP names (RFC 7587 §7), and decoders take either.
///
/// The PCM and packet buffers are the caller's: `encode(_:into:)` does not allocate.
public final class OpusEncoder {
    public static let sampleRate = 48_000
    /// Samples per channel in one 20 ms frame: also the RTP timestamp step (48 kHz clock).
    public static let frameSamples = 960
    /// The most bytes one Opus frame takes (RFC 6716 §3.4: 1275 per frame).
    public static let maxPacketBytes = 1275

    public let channels: Int
    private let encoder: OpaquePointer

    /// - Parameters:
    ///   - channels: 1 or 2.
    ///   - bitrate: bits per second (WebRTC's default for mono speech is 32 kbit/s).
    ///   - complexity: 0-10; 5 keeps a load generator's CPU for the peers it drives.
    public init(channels: Int = 1, bitrate: Int = 32_000, complexity: Int32 = 5) throws(SyntheticMediaError) {
        guard channels == 1 || channels == 2 else { throw .unsupported("Opus channels must be 1 or 2, not \(channels)") }
        self.channels = channels
        var error: Int32 = OPUS_OK
        guard let encoder = opus_encoder_create(Int32(Self.sampleRate), Int32(channels), OPUS_APPLICATION_VOIP, &error),
              error == OPUS_OK else { throw .codec(Self.message(error)) }
        self.encoder = encoder
        _ = chobi_opus_set_bitrate(encoder, Int32(clamping: bitrate))
        _ = chobi_opus_set_complexity(encoder, complexity)
    }

    deinit { opus_encoder_destroy(encoder) }

    /// Encodes one 20 ms frame of interleaved PCM (`frameSamples × channels` samples) into
    /// `packet`; returns the bytes written.
    public func encode(_ pcm: UnsafeBufferPointer<Int16>, into packet: UnsafeMutableRawBufferPointer) throws(SyntheticMediaError) -> Int {
        guard pcm.count == Self.frameSamples * channels, let samples = pcm.baseAddress else {
            throw .unsupported("a 20 ms frame is \(Self.frameSamples * channels) samples, not \(pcm.count)")
        }
        guard let out = packet.baseAddress, !packet.isEmpty else { throw .unsupported("no room for the packet") }
        let written = opus_encode(encoder, samples, Int32(Self.frameSamples), out.assumingMemoryBound(to: UInt8.self),
                                  Int32(clamping: packet.count))
        guard written > 0 else { throw .codec(Self.message(written)) }
        return Int(written)
    }

    /// One frame as owned bytes (tests, and senders that keep the packet anyway).
    public func encode(_ pcm: [Int16]) throws(SyntheticMediaError) -> [UInt8] {
        var packet = [UInt8](repeating: 0, count: Self.maxPacketBytes)
        let result: Result<Int, SyntheticMediaError> = pcm.withUnsafeBufferPointer { samples in
            packet.withUnsafeMutableBytes { out in Result { () throws(SyntheticMediaError) in try encode(samples, into: out) } }
        }
        packet.removeSubrange(try result.get()...)
        return packet
    }

    static func message(_ code: Int32) -> String {
        opus_strerror(code).map { String(cString: $0) } ?? "opus error \(code)"
    }
}
