/// The H.264 `profile-level-id` fmtp value (RFC 6184 8.1): three hex bytes profile_idc,
/// profile-iop (constraint flags), level_idc. Two peers can exchange H.264 only when they agree
/// on the profile; the level may differ when `level-asymmetry-allowed=1`.
public struct H264ProfileLevelID: Hashable, Sendable {
    public enum Profile: Hashable, Sendable {
        case constrainedBaseline, baseline, main, extended, high, constrainedHigh, other
    }

    public var profileIDC: UInt8
    public var profileIOP: UInt8
    public var levelIDC: UInt8

    public init(profileIDC: UInt8, profileIOP: UInt8, levelIDC: UInt8) {
        self.profileIDC = profileIDC
        self.profileIOP = profileIOP
        self.levelIDC = levelIDC
    }

    /// Parses six hex digits (`42e01f`); nil for anything else.
    public init?(_ text: String) {
        let t = ByteText(text)
        guard let b = t.hexBytes(t.all), b.count == 3 else { return nil }
        self.init(profileIDC: b[0], profileIOP: b[1], levelIDC: b[2])
    }

    /// RFC 6184 8.1: when absent, profile-level-id means Baseline level 1 (`420010`).
    public static let `default` = H264ProfileLevelID(profileIDC: 0x42, profileIOP: 0x00, levelIDC: 0x10)

    /// The profile, read the way libwebrtc's table does (ITU-T H.264 A.2): constraint_set1 on
    /// Baseline, set0 on Main and set0+set1 on Extended all mean Constrained Baseline.
    public var profile: Profile {
        let iop = profileIOP
        let set0 = iop & 0x80 != 0, set1 = iop & 0x40 != 0
        switch profileIDC {
        case 0x42: return set1 ? .constrainedBaseline : .baseline
        case 0x4D: return set0 ? .constrainedBaseline : .main
        case 0x58: return set0 && set1 ? .constrainedBaseline : (set0 ? .baseline : .extended)
        case 0x64: return iop & 0x0C == 0x0C ? .constrainedHigh : .high
        default: return .other
        }
    }

    /// Whether a peer sending this profile can be decoded by a Constrained Baseline / Baseline
    /// decoder: the "42e0xx / 42001f family" every WebRTC endpoint implements.
    public var isBaselineFamily: Bool { profile == .constrainedBaseline || profile == .baseline }

    public var text: String {
        let digits = Array("0123456789abcdef".utf8)
        let bytes = [profileIDC, profileIOP, levelIDC].flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }
        return String(decoding: bytes, as: UTF8.self)
    }
}
