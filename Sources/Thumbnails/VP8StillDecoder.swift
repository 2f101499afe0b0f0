// Thumbnails: a small PNG of a video's first keyframe. libvpx decodes the VP8 frame (one call,
// one picture), the picture is scaled down and converted to RGB, and a PNG of our own (stored
// deflate blocks, CRC-32, Adler-32) is written. It does not read files or decide which frame:
// MediaProbe locates the keyframe, the caller reads its bytes.

import CChobiShims
import CVPX

/// Why no thumbnail could be made.
public enum ThumbnailError: Error, Equatable, Sendable {
    case decoder(String)
    case noPicture
    case unsupportedCodec(String)
}

/// Planes of a decoded 8-bit 4:2:0 picture, copied out of libvpx.
struct StillPicture {
    var width: Int
    var height: Int
    var luma: [UInt8]
    var cb: [UInt8]
    var cr: [UInt8]

    var chromaWidth: Int { (width + 1) / 2 }
}

/// Decodes one VP8 keyframe into a picture. A decoder per call: thumbnails are rare, and a fresh
/// decoder cannot be left in a bad state by a previous hostile frame.
enum VP8StillDecoder {
    static func decode(_ frame: [UInt8]) throws(ThumbnailError) -> StillPicture {
        var context = vpx_codec_ctx_t()
        var configuration = vpx_codec_dec_cfg_t(threads: 1, w: 0, h: 0)
        let initialized = chobi_vpx_codec_dec_init_vp8(&context, &configuration, 0)
        guard initialized == VPX_CODEC_OK else { throw .decoder(String(cString: vpx_codec_err_to_string(initialized))) }
        defer { vpx_codec_destroy(&context) }
        let status = frame.withUnsafeBufferPointer { bytes in
            vpx_codec_decode(&context, bytes.baseAddress, UInt32(bytes.count), nil, 0)
        }
        guard status == VPX_CODEC_OK else { throw .decoder(String(cString: vpx_codec_err_to_string(status))) }
        var iterator: vpx_codec_iter_t?
        guard let image = vpx_codec_get_frame(&context, &iterator), image.pointee.fmt == VPX_IMG_FMT_I420,
              let y = image.pointee.planes.0, let u = image.pointee.planes.1, let v = image.pointee.planes.2 else {
            throw .noPicture
        }
        let width = Int(image.pointee.d_w)
        let height = Int(image.pointee.d_h)
        guard width > 0, height > 0, width <= 16_384, height <= 16_384 else { throw .noPicture }
        func copy(_ plane: UnsafeMutablePointer<UInt8>, stride: Int32, width: Int, height: Int) -> [UInt8] {
            var out = [UInt8](repeating: 0, count: width * height)
            for row in 0..<height {
                for column in 0..<width { out[row * width + column] = plane[row * Int(stride) + column] }
            }
            return out
        }
        let chromaWidth = (width + 1) / 2
        let chromaHeight = (height + 1) / 2
        return StillPicture(width: width, height: height,
                            luma: copy(y, stride: image.pointee.stride.0, width: width, height: height),
                            cb: copy(u, stride: image.pointee.stride.1, width: chromaWidth, height: chromaHeight),
                            cr: copy(v, stride: image.pointee.stride.2, width: chromaWidth, height: chromaHeight))
    }
}
