/// A thumbnail from one coded keyframe: decoded, scaled to fit `maxWidth` (aspect kept, nearest
/// sample), converted BT.601 YCbCr → RGB, written as PNG.
public enum Thumbnail {
    public static let maxWidth = 320

    /// - Parameter codec: the Matroska codec id; only `V_VP8` is decoded here.
    public static func png(codec: String, keyframe: [UInt8], maxWidth: Int = Thumbnail.maxWidth) throws(ThumbnailError) -> [UInt8] {
        guard codec == "V_VP8" else { throw .unsupportedCodec(codec) }
        let picture = try VP8StillDecoder.decode(keyframe)
        let width = min(maxWidth, picture.width)
        let height = max(1, picture.height * width / picture.width)
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        for row in 0..<height {
            let sourceRow = row * picture.height / height
            for column in 0..<width {
                let sourceColumn = column * picture.width / width
                let y = Double(picture.luma[sourceRow * picture.width + sourceColumn])
                let chroma = (sourceRow / 2) * picture.chromaWidth + sourceColumn / 2
                let cb = Double(picture.cb[chroma]) - 128
                let cr = Double(picture.cr[chroma]) - 128
                let luma = 1.164 * (y - 16)
                let at = (row * width + column) * 3
                rgb[at] = clamp(luma + 1.596 * cr)
                rgb[at + 1] = clamp(luma - 0.392 * cb - 0.813 * cr)
                rgb[at + 2] = clamp(luma + 2.017 * cb)
            }
        }
        return PNGWriter.encode(width: width, height: height, rgb: rgb)
    }

    private static func clamp(_ value: Double) -> UInt8 { UInt8(max(0, min(255, value.rounded()))) }
}
