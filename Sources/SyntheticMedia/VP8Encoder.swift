import CChobiShims
import CVPX

/// libvpx's VP8 encoder set up the way a real-time sender uses it: one pass, CBR at the target
/// bitrate, no lookahead (each frame comes out as it goes in), error resilient, keyframes only
/// when asked (a PLI) or every `keyframeInterval` frames.
public final class VP8Encoder {
    /// One coded frame.
    public struct Frame: Sendable {
        public var bytes: [UInt8]
        public var isKeyframe: Bool
    }

    public let width: Int
    public let height: Int
    private var context = vpx_codec_ctx_t()
    private var image = vpx_image_t()

    /// - Parameters:
    ///   - bitrate: target, bits per second.
    ///   - cpuUsed: libvpx's speed setting (higher: faster, coarser); 8 is what WebRTC uses on
    ///     small machines.
    public init(width: Int, height: Int, fps: Int, bitrate: Int, keyframeInterval: Int = 3000, cpuUsed: Int32 = 8)
        throws(SyntheticMediaError)
    {
        self.width = width & ~1
        self.height = height & ~1
        var configuration = vpx_codec_enc_cfg_t()
        guard vpx_codec_enc_config_default(vpx_codec_vp8_cx(), &configuration, 0) == VPX_CODEC_OK else {
            throw .codec("no default VP8 configuration")
        }
        configuration.g_w = UInt32(self.width)
        configuration.g_h = UInt32(self.height)
        configuration.g_timebase = vpx_rational(num: 1, den: Int32(max(1, fps)))
        configuration.rc_target_bitrate = UInt32(max(1, bitrate / 1000))
        configuration.rc_end_usage = VPX_CBR
        configuration.g_lag_in_frames = 0
        configuration.g_threads = 1
        configuration.g_error_resilient = vpx_codec_er_flags_t(VPX_ERROR_RESILIENT_DEFAULT)
        configuration.kf_mode = VPX_KF_AUTO
        configuration.kf_max_dist = UInt32(max(1, keyframeInterval))
        configuration.rc_min_quantizer = 2
        configuration.rc_max_quantizer = 56
        configuration.rc_undershoot_pct = 100
        configuration.rc_overshoot_pct = 15
        configuration.rc_buf_sz = 1000
        configuration.rc_buf_initial_sz = 500
        configuration.rc_buf_optimal_sz = 600
        let status = chobi_vpx_codec_enc_init_vp8(&context, &configuration, 0)
        guard status == VPX_CODEC_OK else { throw .codec(String(cString: vpx_codec_err_to_string(status))) }
        _ = chobi_vpx_set_cpu_used(&context, cpuUsed)
    }

    deinit { vpx_codec_destroy(&context) }

    /// Encodes one picture (`width` × `height`); `keyframe` forces an intra frame. Returns the
    /// coded frames (one, or none when the rate control drops the picture).
    public func encode(_ frame: I420Frame, pts: Int64, keyframe: Bool = false) throws(SyntheticMediaError) -> [Frame] {
        guard frame.width == width, frame.height == height else { throw .codec("a \(frame.width)x\(frame.height) picture into a \(width)x\(height) encoder") }
        var frame = frame
        let status = frame.bytes.withUnsafeMutableBufferPointer { bytes -> vpx_codec_err_t in
            guard vpx_img_wrap(&image, VPX_IMG_FMT_I420, UInt32(width), UInt32(height), 1, bytes.baseAddress) != nil else {
                return VPX_CODEC_ERROR
            }
            return vpx_codec_encode(&context, &image, pts, 1, keyframe ? vpx_enc_frame_flags_t(VPX_EFLAG_FORCE_KF) : 0,
                                    UInt(VPX_DL_REALTIME))
        }
        guard status == VPX_CODEC_OK else { throw .codec(String(cString: vpx_codec_err_to_string(status))) }
        var out: [Frame] = []
        var iterator: vpx_codec_iter_t?
        while let packet = vpx_codec_get_cx_data(&context, &iterator) {
            guard packet.pointee.kind == VPX_CODEC_CX_FRAME_PKT else { continue }
            let coded = packet.pointee.data.frame
            guard let buffer = coded.buf else { continue }
            out.append(Frame(bytes: Array(UnsafeRawBufferPointer(start: buffer, count: coded.sz)),
                             isKeyframe: coded.flags & vpx_codec_frame_flags_t(VPX_FRAME_IS_KEY) != 0))
        }
        return out
    }
}
