import RTP

/// Splits a coded VP8 frame into RTP payloads (RFC 7741): each a payload descriptor with the
/// frame's 15-bit picture id (S set on the first), then a slice of the frame. The RTP marker
/// goes on the last one. Slices are as even as `maxPayload` allows, as libwebrtc cuts them.
public struct VP8Packetizer: Sendable {
    public let maxPayload: Int
    public private(set) var pictureID: UInt16

    public init(maxPayload: Int = 1100, firstPictureID: UInt16 = 0) {
        self.maxPayload = max(16, maxPayload)
        pictureID = firstPictureID & 0x7FFF
    }

    /// The payloads of `frame`, in order; the picture id moves on for the next frame.
    public mutating func packetize(_ frame: [UInt8]) -> [[UInt8]] {
        defer { pictureID = (pictureID + 1) & 0x7FFF }
        let first = VP8PayloadDescriptor(startOfPartition: true, pictureID: pictureID)
        let rest = VP8PayloadDescriptor(startOfPartition: false, pictureID: pictureID)
        let room = maxPayload - first.headerLength
        let count = max(1, (frame.count + room - 1) / room)
        let size = (frame.count + count - 1) / count
        var payloads: [[UInt8]] = []
        payloads.reserveCapacity(count)
        var offset = 0
        for index in 0..<count {
            let descriptor = index == 0 ? first : rest
            let end = min(frame.count, offset + size)
            var payload = [UInt8](repeating: 0, count: descriptor.headerLength + (end - offset))
            let written = payload.withUnsafeMutableBytes { (try? descriptor.marshal(into: $0)) ?? 0 }
            payload.replaceSubrange(written..<payload.count, with: frame[offset..<end])
            payloads.append(payload)
            offset = end
        }
        return payloads
    }
}
