/// What the TOC byte of an Opus packet (RFC 6716 §3.1) says, and whether the packet is DTX.
///
/// ```
///  0 1 2 3 4 5 6 7
/// | config  |s| c |    config: mode, bandwidth, frame size; s: stereo; c: frame count code
/// ```
public struct OpusTOC: Sendable, Equatable {
    public enum Mode: Sendable, Equatable { case silk, hybrid, celt }
    public enum Bandwidth: Sendable, Equatable { case narrowband, mediumband, wideband, superWideband, fullband }

    /// 0...31.
    public let configuration: UInt8
    public let isStereo: Bool
    /// 0: one frame, 1: two equal frames, 2: two frames of different sizes, 3: M frames.
    public let frameCountCode: UInt8
    public let frameCount: Int
    /// A packet of at most 2 bytes carries no audio: discontinuous transmission / comfort noise.
    /// A forwarder may treat it as silence for active-speaker detection.
    public let isDTX: Bool

    /// Parses the TOC (and, for code 3, the frame count byte) of an Opus RTP payload.
    public init(parsing payload: UnsafeRawBufferPointer) throws(RTPError) {
        guard payload.count >= 1 else { throw .truncated(needed: 1, have: 0) }
        let toc = payload[0]
        configuration = toc >> 3
        isStereo = toc & 0x04 != 0
        frameCountCode = toc & 0x03
        isDTX = payload.count <= 2
        switch frameCountCode {
        case 0: frameCount = 1
        case 1, 2: frameCount = 2
        default:
            guard payload.count >= 2 else { throw .truncated(needed: 2, have: payload.count) }
            frameCount = Int(payload[1] & 0x3F)
            guard frameCount >= 1 else { throw .badPayload("Opus code 3 packet with 0 frames") }
        }
        // RFC 6716 §3.4 [R5]: a packet holds at most 120 ms of audio.
        guard frameDuration * frameCount <= .milliseconds(120) else {
            throw .badPayload("Opus packet over 120 ms")
        }
    }

    public init(parsing bytes: [UInt8]) throws(RTPError) {
        let result: Result<OpusTOC, RTPError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(RTPError) in try OpusTOC(parsing: buffer) }
        }
        self = try result.get()
    }

    public var mode: Mode {
        switch configuration {
        case 0...11: .silk
        case 12...15: .hybrid
        default: .celt
        }
    }

    public var bandwidth: Bandwidth {
        switch configuration {
        case 0...3, 16...19: .narrowband
        case 4...7: .mediumband
        case 8...11, 20...23: .wideband
        case 12...13, 24...27: .superWideband
        default: .fullband
        }
    }

    /// Duration of one frame.
    public var frameDuration: Duration {
        switch mode {
        case .silk: [.milliseconds(10), .milliseconds(20), .milliseconds(40), .milliseconds(60)][Int(configuration % 4)]
        case .hybrid: configuration % 2 == 0 ? .milliseconds(10) : .milliseconds(20)
        case .celt: [.microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(20)][Int(configuration % 4)]
        }
    }

    /// Audio duration of the whole packet.
    public var duration: Duration { frameDuration * frameCount }
}
