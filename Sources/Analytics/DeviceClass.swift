/// What kind of device a viewer watched on, as far as its User-Agent tells.
///
/// Consoles and streaming sticks count as `tv`: the question analytics answers is "the big screen
/// in the living room or not". iPads since iPadOS 13 send a desktop Safari User-Agent by default and
/// are indistinguishable from a Mac: they count as `desktop`.
public enum DeviceClass: String, Sendable, Codable, CaseIterable {
    case mobile, tablet, desktop, tv, bot, unknown
}
