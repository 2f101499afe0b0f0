@testable import Recording

/// Builds RTP packets for the recording tests (the wire format by hand, so the tests do not
/// depend on the code they check).
enum RecordingInput {
    static func rtp(sequenceNumber: UInt16, timestamp: UInt32, marker: Bool, payloadType: UInt8 = 96,
                    ssrc: UInt32 = 0x1234_5678, payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x80, (marker ? 0x80 : 0) | payloadType,
                            UInt8(sequenceNumber >> 8), UInt8(truncatingIfNeeded: sequenceNumber)]
        out += [UInt8(timestamp >> 24), UInt8(truncatingIfNeeded: timestamp >> 16), UInt8(truncatingIfNeeded: timestamp >> 8),
                UInt8(truncatingIfNeeded: timestamp)]
        out += [UInt8(ssrc >> 24), UInt8(truncatingIfNeeded: ssrc >> 16), UInt8(truncatingIfNeeded: ssrc >> 8),
                UInt8(truncatingIfNeeded: ssrc)]
        return out + payload
    }

    /// A VP8 frame's bytes: a keyframe has the frame tag's P bit clear, the start code and a size.
    static func vp8Frame(keyframe: Bool, width: Int = 640, height: Int = 480, length: Int = 3000, seed: UInt8 = 0) -> [UInt8] {
        var frame = [UInt8](repeating: 0, count: max(length, 10))
        for i in frame.indices { frame[i] = UInt8(truncatingIfNeeded: i &* 31 &+ Int(seed)) }
        frame[0] = keyframe ? 0x10 : 0x11
        if keyframe {
            frame[3] = 0x9D; frame[4] = 0x01; frame[5] = 0x2A
            frame[6] = UInt8(width & 0xFF); frame[7] = UInt8(width >> 8)
            frame[8] = UInt8(height & 0xFF); frame[9] = UInt8(height >> 8)
        }
        return frame
    }

    /// One VP8 frame as RTP packets of at most `chunk` payload bytes (RFC 7741 descriptor with a
    /// 15-bit picture id).
    static func vp8Packets(frame: [UInt8], firstSequenceNumber: UInt16, timestamp: UInt32, pictureID: UInt16,
                           chunk: Int = 1000) -> [[UInt8]] {
        var packets: [[UInt8]] = []
        var offset = 0
        var sequenceNumber = firstSequenceNumber
        while offset < frame.count {
            let end = min(frame.count, offset + chunk)
            let descriptor: [UInt8] = [0x80 | (offset == 0 ? 0x10 : 0), 0x80, 0x80 | UInt8((pictureID >> 8) & 0x7F),
                                       UInt8(truncatingIfNeeded: pictureID)]
            packets.append(rtp(sequenceNumber: sequenceNumber, timestamp: timestamp, marker: end == frame.count,
                               payload: descriptor + Array(frame[offset..<end])))
            sequenceNumber &+= 1
            offset = end
        }
        return packets
    }

    static func opusPacket(sequenceNumber: UInt16, timestamp: UInt32, seed: UInt8 = 0) -> [UInt8] {
        rtp(sequenceNumber: sequenceNumber, timestamp: timestamp, marker: false, payloadType: 111, ssrc: 0xABCD,
            payload: [0x78] + [UInt8](repeating: seed, count: 60))
    }
}
