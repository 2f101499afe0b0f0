import CChobiShims
import CVPX

/// libvpx's VP8 decoder for synthetic viewers: decodes a frame and reads its `FrameStamp` from
/// the picture, without copying the image out of libvpx.
public final class VP8Decoder {
    /// What a decoded picture said.
    public struct Picture: Sendable, Equatable {
        public var width: Int
        public var height: Int
        /// Nil when the grid did not read back (a picture that is not ours, or damaged).
        public var stamp: FrameStamp?
    }

    private var context = vpx_codec_ctx_t()

    public init() throws(SyntheticMediaError) {
        var configuration = vpx_codec_dec_cfg_t(threads: 1, w: 0, h: 0)
        let status = chobi_vpx_codec_dec_init_vp8(&context, &configuration, 0)
        guard status == VPX_CODEC_OK else { throw .codec(String(cString: vpx_codec_err_to_string(status))) }
    }

    deinit { vpx_codec_destroy(&context) }

    /// Decodes one coded frame; the pictures it yields (one, normally). A corrupt frame is an
    /// error, and the decoder stays usable for the next keyframe.
    public func decode(_ frame: [UInt8]) throws(SyntheticMediaError) -> [Picture] {
        let status = frame.withUnsafeBufferPointer { bytes in
            vpx_codec_decode(&context, bytes.baseAddress, UInt32(bytes.count), nil, 0)
        }
        guard status == VPX_CODEC_OK else { throw .codec(String(cString: vpx_codec_err_to_string(status))) }
        var pictures: [Picture] = []
        var iterator: vpx_codec_iter_t?
        while let image = vpx_codec_get_frame(&context, &iterator) {
            let width = Int(image.pointee.d_w)
            let height = Int(image.pointee.d_h)
            let stride = Int(image.pointee.stride.0)
            var stamp: FrameStamp?
            if let luma = image.pointee.planes.0, stride > 0 {
                stamp = FrameStamp.read(luma: UnsafeRawBufferPointer(start: luma, count: stride * height),
                                        width: width, height: height, stride: stride)
            }
            pictures.append(Picture(width: width, height: height, stamp: stamp))
        }
        return pictures
    }
}
