/// What a WebM needs to carry H.264 (Matroska `V_MPEG4/ISO/AVC`): the picture size and the
/// decoder configuration record (`avcC`, ISO/IEC 14496-15 §5.2.4.1) built from the SPS and PPS a
/// WebRTC keyframe carries in front of its IDR slice.
///
/// The SPS is read only as far as the picture size (ITU-T H.264 §7.3.2.1.1), bit by bit after
/// removing emulation-prevention bytes; anything malformed or unusual (scaling matrices) gives
/// nil, never a trap.
public struct H264Parameters: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var sps: [UInt8]
    public var pps: [UInt8]

    /// From a keyframe in the AVC sample format (4-byte lengths, as `FrameAssembler` makes it).
    public init?(keyframe frame: [UInt8]) {
        var sps: [UInt8]?
        var pps: [UInt8]?
        var offset = 0
        while offset + 4 <= frame.count {
            let length = Int(frame[offset]) << 24 | Int(frame[offset + 1]) << 16 | Int(frame[offset + 2]) << 8 | Int(frame[offset + 3])
            let start = offset + 4
            guard length > 0, length <= frame.count - start else { return nil }
            let unit = Array(frame[start..<start + length])
            switch unit[0] & 0x1F {
            case 7 where sps == nil: sps = unit
            case 8 where pps == nil: pps = unit
            default: break
            }
            offset = start + length
        }
        guard let sps, let pps, sps.count >= 4, let size = Self.pictureSize(sps: sps) else { return nil }
        self.init(width: size.width, height: size.height, sps: sps, pps: pps)
    }

    public init(width: Int, height: Int, sps: [UInt8], pps: [UInt8]) {
        self.width = width
        self.height = height
        self.sps = sps
        self.pps = pps
    }

    /// The AVCDecoderConfigurationRecord: version 1, profile, compatibility and level from the
    /// SPS, 4-byte NAL lengths, one SPS and one PPS.
    public var decoderConfiguration: [UInt8] {
        var out: [UInt8] = [1, sps[1], sps[2], sps[3], 0xFF, 0xE1]
        out += [UInt8(truncatingIfNeeded: sps.count >> 8), UInt8(truncatingIfNeeded: sps.count)] + sps
        out += [1, UInt8(truncatingIfNeeded: pps.count >> 8), UInt8(truncatingIfNeeded: pps.count)] + pps
        return out
    }

    /// Width and height in pixels (after cropping), nil when the SPS cannot be read that far.
    static func pictureSize(sps: [UInt8]) -> (width: Int, height: Int)? {
        var bits = RBSPBitReader(rbsp: Array(sps.dropFirst()))
        guard let profile = bits.bits(8), bits.bits(16) != nil, bits.unsignedGolomb() != nil else { return nil }
        var chromaFormat = 1
        if [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135].contains(profile) {
            guard let format = bits.unsignedGolomb(), format <= 3 else { return nil }
            chromaFormat = format
            if format == 3 { guard bits.bits(1) != nil else { return nil } }
            guard bits.unsignedGolomb() != nil, bits.unsignedGolomb() != nil, bits.bits(1) != nil,
                  let scaling = bits.bits(1), scaling == 0 else { return nil }
        }
        guard bits.unsignedGolomb() != nil, let pocType = bits.unsignedGolomb() else { return nil }
        switch pocType {
        case 0:
            guard bits.unsignedGolomb() != nil else { return nil }
        case 1:
            guard bits.bits(1) != nil, bits.signedGolomb() != nil, bits.signedGolomb() != nil,
                  let cycle = bits.unsignedGolomb(), cycle <= 255 else { return nil }
            for _ in 0..<cycle { guard bits.signedGolomb() != nil else { return nil } }
        case 2:
            break
        default:
            return nil
        }
        guard bits.unsignedGolomb() != nil, bits.bits(1) != nil,
              let widthInMacroblocks = bits.unsignedGolomb(), let heightInMapUnits = bits.unsignedGolomb(),
              let frameOnly = bits.bits(1) else { return nil }
        if frameOnly == 0 { guard bits.bits(1) != nil else { return nil } }
        guard bits.bits(1) != nil, let cropping = bits.bits(1) else { return nil }
        var crop = (left: 0, right: 0, top: 0, bottom: 0)
        if cropping == 1 {
            guard let left = bits.unsignedGolomb(), let right = bits.unsignedGolomb(),
                  let top = bits.unsignedGolomb(), let bottom = bits.unsignedGolomb() else { return nil }
            crop = (left, right, top, bottom)
        }
        let fieldFactor = 2 - frameOnly
        let cropX = chromaFormat == 1 || chromaFormat == 2 ? 2 : 1
        let cropY = (chromaFormat == 1 ? 2 : 1) * fieldFactor
        let width = (widthInMacroblocks + 1) * 16 - cropX * (crop.left + crop.right)
        let height = (heightInMapUnits + 1) * 16 * fieldFactor - cropY * (crop.top + crop.bottom)
        guard (1...16_384).contains(width), (1...16_384).contains(height) else { return nil }
        return (width, height)
    }
}
