import SDP
import SFU

/// Reads a client's SDP before the media plane sees it: it must parse, and a role that may not
/// publish must not offer (or answer) to send audio or video. The media plane checks again;
/// signaling refuses early so a viewer gets `forbidden` whatever the media plane does.
enum PublishPermission {
    /// The parsed description, or `.badOffer` (does not parse) / `.forbidden` (viewer sending).
    static func check(_ sdp: String, role: RoomRole) throws(MediaPlaneError) -> SessionDescription {
        let description: SessionDescription
        do {
            description = try SessionDescription(parsing: sdp)
        } catch {
            throw .badOffer("SDP does not parse: \(error)")
        }
        if !role.canPublish, let section = sendingSection(in: description) {
            throw .forbidden("role \(role.rawValue) may not send media (m=\(section.kind.token) is \(section.direction.rawValue))")
        }
        return description
    }

    /// The first audio/video section that would carry media from the client to us.
    static func sendingSection(in description: SessionDescription) -> MediaDescription? {
        description.media.first { section in
            switch section.kind {
            case .audio, .video: !section.isRejected && section.direction.sends
            case .application, .other: false
            }
        }
    }

    /// The offer's ICE username fragment (media level first, as browsers write it).
    static func iceUfrag(of description: SessionDescription) -> String? {
        description.media.lazy.compactMap(\.iceUfrag).first ?? description.iceUfrag
    }
}
