/// A moving picture for synthetic publishers: a diagonal gradient that slides one step a frame and
/// a bright bar sweeping across, so that every frame differs from the last the way camera video
/// does (the encoder has real motion to code), with the `FrameStamp` grid on top.
public struct TestPattern: Sendable {
    public let width: Int
    public let height: Int

    public init(width: Int, height: Int) {
        self.width = width & ~1
        self.height = height & ~1
    }

    /// Renders frame `stamp.counter` into `frame` (which must be `width` × `height`).
    public func render(_ stamp: FrameStamp, into frame: inout I420Frame) {
        precondition(frame.width == width && frame.height == height, "a frame of the pattern's size")
        let shift = Int(stamp.counter % 256)
        let bar = Int(stamp.counter) * 4 % max(1, width)
        let width = self.width
        let height = self.height
        frame.bytes.withUnsafeMutableBufferPointer { bytes in
            for y in 0..<height {
                let row = y * width
                for x in 0..<width {
                    let inBar = x >= bar && x < bar + 16
                    bytes[row + x] = inBar ? 220 : UInt8(truncatingIfNeeded: 40 + ((x + y + shift) & 0x7F))
                }
            }
            let chroma = width / 2 * (height / 2)
            let u = width * height
            let v = u + chroma
            for i in 0..<chroma {
                bytes[u + i] = UInt8(truncatingIfNeeded: 128 + (i / (width / 2) + shift) % 32 - 16)
                bytes[v + i] = UInt8(truncatingIfNeeded: 128 - (i % (width / 2) + shift) % 32 + 16)
            }
        }
        stamp.draw(into: &frame)
    }
}
