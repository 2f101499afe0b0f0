/// What a synthetic publisher draws into each picture so that a viewer can read it back from the
/// decoded image: the frame's number and its capture time (milliseconds on the tool's monotonic
/// clock, modulo 2³²), with a CRC-8 that tells a misread from a reading.
///
/// The 72 bits are drawn as a grid of 18 × 4 blocks of black (16) or white (235) luma in the top
/// left corner, each block `width / 32` pixels wide (at least 8): large and flat enough that VP8
/// keeps them at any bitrate a viewer would still watch, read back from the centre quarter of each
/// block against mid-grey. An outside decoder (aiortc, a browser) reads it the same way.
public struct FrameStamp: Sendable, Equatable {
    public var counter: UInt32
    public var captureMilliseconds: UInt32

    public init(counter: UInt32, captureMilliseconds: UInt32) {
        self.counter = counter
        self.captureMilliseconds = captureMilliseconds
    }

    static let columns = 18
    static let rows = 4
    static let bitCount = columns * rows

    /// The side of one block in a picture `width` wide.
    public static func blockSize(forWidth width: Int) -> Int { max(8, (width / 32) & ~1) }

    /// Whether a picture of this size has room for the grid (and its one-block margin).
    public static func fits(width: Int, height: Int) -> Bool {
        let block = blockSize(forWidth: width)
        return (columns + 2) * block <= width && (rows + 2) * block <= height
    }

    var bits: [Bool] {
        var payload = [UInt8](repeating: 0, count: 9)
        for i in 0..<4 {
            payload[i] = UInt8(truncatingIfNeeded: counter >> (24 - 8 * i))
            payload[4 + i] = UInt8(truncatingIfNeeded: captureMilliseconds >> (24 - 8 * i))
        }
        payload[8] = Self.crc8(payload[0..<8])
        return (0..<Self.bitCount).map { payload[$0 / 8] & (0x80 >> ($0 % 8)) != 0 }
    }

    /// Draws the grid into the Y plane of `frame`; nothing when the picture is too small.
    public func draw(into frame: inout I420Frame) {
        guard Self.fits(width: frame.width, height: frame.height) else { return }
        let block = Self.blockSize(forWidth: frame.width)
        let width = frame.width
        let values = bits
        frame.bytes.withUnsafeMutableBufferPointer { y in
            for (index, bit) in values.enumerated() {
                let x0 = (1 + index % Self.columns) * block
                let y0 = (1 + index / Self.columns) * block
                let value: UInt8 = bit ? 235 : 16
                for row in y0..<(y0 + block) {
                    let start = row * width + x0
                    for i in start..<(start + block) { y[i] = value }
                }
            }
        }
    }

    /// Reads the grid back from a Y plane (`stride` bytes a row); nil when the CRC does not match
    /// (a damaged or foreign picture).
    public static func read(luma: UnsafeRawBufferPointer, width: Int, height: Int, stride: Int) -> FrameStamp? {
        guard fits(width: width, height: height), stride >= width, luma.count >= stride * height else { return nil }
        let block = blockSize(forWidth: width)
        let quarter = max(1, block / 4)
        var payload = [UInt8](repeating: 0, count: 9)
        for index in 0..<bitCount {
            let x0 = (1 + index % columns) * block + quarter
            let y0 = (1 + index / columns) * block + quarter
            var sum = 0
            var count = 0
            for row in y0..<(y0 + block / 2) {
                for column in x0..<(x0 + block / 2) {
                    sum += Int(luma[row * stride + column])
                    count += 1
                }
            }
            if sum / max(1, count) > 128 { payload[index / 8] |= 0x80 >> (index % 8) }
        }
        guard crc8(payload[0..<8]) == payload[8] else { return nil }
        var counter: UInt32 = 0
        var capture: UInt32 = 0
        for i in 0..<4 {
            counter = counter << 8 | UInt32(payload[i])
            capture = capture << 8 | UInt32(payload[4 + i])
        }
        return FrameStamp(counter: counter, captureMilliseconds: capture)
    }

    /// CRC-8 (polynomial 0x07, as in ATM HEC), bitwise: nine bytes a frame, speed is irrelevant.
    static func crc8(_ bytes: ArraySlice<UInt8>) -> UInt8 {
        var crc: UInt8 = 0
        for byte in bytes {
            crc ^= byte
            for _ in 0..<8 { crc = crc & 0x80 != 0 ? (crc << 1) ^ 0x07 : crc << 1 }
        }
        return crc
    }
}
