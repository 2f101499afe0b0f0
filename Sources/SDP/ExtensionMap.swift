/// a=extmap (RFC 8285): `<id>[/<direction>] <uri> [<extension attributes>]`.
public struct ExtensionMap: AttributeValue {
    public static let attributeName = "extmap"

    /// 1-14 for one-byte headers, up to 255 for two-byte; 4096-4351 only in offers (RFC 8285 5).
    public var id: UInt16
    public var direction: MediaDirection?
    public var uri: String
    public var extensionAttributes: String?

    public init(id: UInt16, uri: String, direction: MediaDirection? = nil, extensionAttributes: String? = nil) {
        self.id = id
        self.uri = uri
        self.direction = direction
        self.extensionAttributes = extensionAttributes
    }

    public init(parsing value: String) throws(SDPError) {
        let f = SDPSyntax.fields(value)
        guard f.count >= 2 else { throw .invalidValue(field: "extmap", reason: "needs <id> <uri>") }
        let (idText, dirText) = SDPSyntax.splitFirst(f[0], "/")
        guard let id = SDPSyntax.unsigned(idText, as: UInt16.self),
              (1...255).contains(id) || (4096...4351).contains(id) else {
            throw .invalidValue(field: "extmap", reason: "id must be 1-255 or 4096-4351")
        }
        var direction: MediaDirection?
        if let dirText {
            guard let d = MediaDirection(rawValue: String(dirText)) else {
                throw .invalidValue(field: "extmap", reason: "unknown direction")
            }
            direction = d
        }
        guard SDPSyntax.isVisible(f[1]) else { throw .invalidValue(field: "extmap", reason: "bad uri") }
        self.init(id: id, uri: String(f[1]), direction: direction,
                  extensionAttributes: f.count > 2 ? f[2...].joined(separator: " ") : nil)
    }

    public var attributeValue: String {
        var s = String(id)
        if let direction { s += "/\(direction.rawValue)" }
        s += " \(uri)"
        if let extensionAttributes { s += " \(extensionAttributes)" }
        return s
    }
}

/// Header extension URIs WebRTC peers use.
public enum HeaderExtensionURI {
    public static let mid = "urn:ietf:params:rtp-hdrext:sdes:mid"
    public static let rtpStreamID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"
    public static let repairedRTPStreamID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"
    public static let absSendTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
    public static let transportWideCC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
    public static let audioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
    public static let videoOrientation = "urn:3gpp:video-orientation"
    public static let timeOffset = "urn:ietf:params:rtp-hdrext:toffset"
}
