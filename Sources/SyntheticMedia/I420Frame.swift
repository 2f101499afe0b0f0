/// One picture in I420 (planar 4:2:0), the planes back to back in one buffer as libvpx reads them:
/// Y (`width` × `height`), then U and V (each half the width and half the height).
public struct I420Frame: Sendable {
    public let width: Int
    public let height: Int
    public var bytes: [UInt8]

    /// Even dimensions only (4:2:0 halves them).
    public init(width: Int, height: Int) {
        self.width = width & ~1
        self.height = height & ~1
        bytes = [UInt8](repeating: 16, count: self.width * self.height * 3 / 2)
    }

    public var lumaCount: Int { width * height }
    public var chromaWidth: Int { width / 2 }
    public var chromaCount: Int { chromaWidth * (height / 2) }
}
