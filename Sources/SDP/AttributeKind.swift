/// The attributes the parser validates, recognised straight from the line's bytes so the
/// common path compares a few bytes instead of building and comparing strings.
enum AttributeKind: String {
    case mid, rid, ssrc, fmtp, msid, group, setup, rtpmap, extmap
    case rtcpFeedback = "rtcp-fb", icePwd = "ice-pwd"
    case inactive, sendonly, recvonly, sendrecv, iceLite = "ice-lite"
    case candidate, iceUfrag = "ice-ufrag", simulcast, sctpPort = "sctp-port"
    case ssrcGroup = "ssrc-group", fingerprint, iceOptions = "ice-options"
    case msidSemantic = "msid-semantic", maxMessageSize = "max-message-size"

    static func identify(_ t: ByteText, _ r: Range<Int>) -> AttributeKind? {
        switch r.count {
        case 3:
            if t.equals(r, "mid") { return .mid }
            if t.equals(r, "rid") { return .rid }
        case 4:
            if t.equals(r, "ssrc") { return .ssrc }
            if t.equals(r, "fmtp") { return .fmtp }
            if t.equals(r, "msid") { return .msid }
        case 5:
            if t.equals(r, "group") { return .group }
            if t.equals(r, "setup") { return .setup }
        case 6:
            if t.equals(r, "rtpmap") { return .rtpmap }
            if t.equals(r, "extmap") { return .extmap }
        case 7:
            if t.equals(r, "rtcp-fb") { return .rtcpFeedback }
            if t.equals(r, "ice-pwd") { return .icePwd }
        case 8:
            if t.equals(r, "sendrecv") { return .sendrecv }
            if t.equals(r, "sendonly") { return .sendonly }
            if t.equals(r, "recvonly") { return .recvonly }
            if t.equals(r, "inactive") { return .inactive }
            if t.equals(r, "ice-lite") { return .iceLite }
        case 9:
            if t.equals(r, "candidate") { return .candidate }
            if t.equals(r, "ice-ufrag") { return .iceUfrag }
            if t.equals(r, "simulcast") { return .simulcast }
            if t.equals(r, "sctp-port") { return .sctpPort }
        case 10:
            if t.equals(r, "ssrc-group") { return .ssrcGroup }
        case 11:
            if t.equals(r, "fingerprint") { return .fingerprint }
            if t.equals(r, "ice-options") { return .iceOptions }
        case 13:
            if t.equals(r, "msid-semantic") { return .msidSemantic }
        case 16:
            if t.equals(r, "max-message-size") { return .maxMessageSize }
        default:
            break
        }
        return nil
    }
}
