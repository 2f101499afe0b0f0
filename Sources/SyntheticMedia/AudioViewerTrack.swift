import RTP

/// A synthetic viewer's audio, sans-I/O: RTP packets in (plain, after SRTP), every payload
/// decoded with libopus (when `decodes`), and what a listener would notice counted: packets,
/// lost packets (RFC 3550 §6.4.1: expected from the sequence numbers minus received, so a
/// duplicate hides a loss as it does in a receiver report), frames concealed by libopus for the
/// gaps, decode errors, late packets, and frames that decoded to the publisher's tone.
///
/// `receive` does not allocate: the decoder owns its PCM buffer.
public final class AudioViewerTrack {
    public let decodes: Bool
    /// Concealment stops after this many frames in one gap: past it a listener hears silence,
    /// and a jump of thousands must not cost thousands of decoder calls.
    public let maxConcealedFramesPerGap = 10
    private let decoder: OpusDecoder?
    private let detector: ToneDetector
    private var unwrapper = SequenceNumberUnwrapper()
    private var first: Int64?
    private var highest: Int64?

    public private(set) var packets = 0
    public private(set) var badPackets = 0
    public private(set) var framesDecoded = 0
    public private(set) var decodeErrors = 0
    public private(set) var framesConcealed = 0
    /// Packets older than the newest one (reordered, retransmitted or duplicated): not decoded,
    /// their time has been concealed already.
    public private(set) var latePackets = 0
    /// Decoded frames whose power sits at the tone's frequency.
    public private(set) var toneFrames = 0

    public init(decodes: Bool = true, channels: Int = 2, toneFrequency: Double = 440) throws(SyntheticMediaError) {
        self.decodes = decodes
        decoder = decodes ? try OpusDecoder(channels: channels) : nil
        detector = ToneDetector(frequency: toneFrequency)
    }

    /// Packets the sequence numbers say were sent, from the first one seen to the newest.
    public var expected: Int { first.flatMap { f in highest.map { Int($0 - f + 1) } } ?? 0 }
    /// Expected minus received, never below zero.
    public var lost: Int { max(0, expected - (packets - badPackets)) }
    public var lossPercent: Double { expected == 0 ? 0 : 100 * Double(lost) / Double(expected) }

    public func receive(_ packet: UnsafeRawBufferPointer) {
        packets += 1
        guard let header = try? RTPHeader(parsing: packet) else {
            badPackets += 1
            return
        }
        let sequence = unwrapper.unwrap(header.sequenceNumber)
        if first == nil { first = sequence }
        if let top = highest, sequence <= top {
            latePackets += 1
            return
        }
        let gap = highest.map { Int(sequence - $0 - 1) } ?? 0
        highest = sequence
        guard let decoder else { return }
        for _ in 0..<min(gap, maxConcealedFramesPerGap) where decoder.conceal() > 0 { framesConcealed += 1 }
        do {
            try decoder.decode(UnsafeRawBufferPointer(rebasing: packet[header.payloadRange]))
        } catch {
            decodeErrors += 1
            return
        }
        framesDecoded += 1
        let reading = decoder.pcm.withUnsafeBufferPointer {
            detector.read($0, samples: decoder.samplesDecoded, channels: decoder.channels)
        }
        if detector.isTone(reading) { toneFrames += 1 }
    }

    public func receive(_ packet: [UInt8]) {
        packet.withUnsafeBytes { receive($0) }
    }
}
