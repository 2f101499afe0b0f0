// The verdict on one incoming Binding request, in the order STUN and ICE prescribe:
// authentication first (RFC 8489 §9.1.3: 400 when USERNAME or MESSAGE-INTEGRITY is missing,
// 401 when either is wrong), then unknown comprehension-required attributes (§6.3.1: 420),
// then the ICE role (RFC 8445 §7.3.1.1: a lite agent is always controlled, so a peer that is
// also controlled gets 487). Only a check that passes all of them is valid.

import STUN

/// A judged Binding request.
enum ConnectivityCheck: Equatable {
    /// Authenticated and acceptable; `nominated` when it carries USE-CANDIDATE.
    case valid(nominated: Bool)
    /// Answer with this error. `authenticated` says whether the request proved knowledge of
    /// our password, which decides whether the answer may carry MESSAGE-INTEGRITY.
    case rejected(STUNErrorCode, authenticated: Bool, unknown: [STUNAttributeType])

    /// Judges `request` (parsed from `datagram`) against our credentials.
    static func judge(_ request: STUNMessage, datagram: UnsafeRawBufferPointer, local: ICECredentials,
                      localKey: STUNIntegrityKey, remoteUfrag: String?) -> ConnectivityCheck {
        guard request.type.method == .binding else {
            return .rejected(.badRequest, authenticated: false, unknown: [])
        }
        guard let username = request.username, request.messageIntegrity != nil else {
            return .rejected(.badRequest, authenticated: false, unknown: [])
        }
        guard usernameMatches(username, local: local.ufrag, remote: remoteUfrag) else {
            return .rejected(.unauthorized, authenticated: false, unknown: [])
        }
        do {
            try STUNMessageIntegrity.verify(datagram, key: localKey)
        } catch {
            return .rejected(.unauthorized, authenticated: false, unknown: [])
        }
        let unknown = request.unknownComprehensionRequired
        guard unknown.isEmpty else {
            return .rejected(.unknownAttribute, authenticated: true, unknown: unknown)
        }
        if request.iceControlled != nil {
            return .rejected(.roleConflict, authenticated: true, unknown: [])
        }
        return .valid(nominated: request.hasUseCandidate)
    }

    /// USERNAME of a check is "<receiver ufrag>:<sender ufrag>" (RFC 8445 §7.2.2). The remote
    /// part is only compared when the peer's credentials are known (they may arrive after its
    /// first checks). Compared as bytes, without allocating.
    static func usernameMatches(_ username: String, local: String, remote: String?) -> Bool {
        let bytes = username.utf8
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")),
              bytes[..<colon].elementsEqual(local.utf8) else { return false }
        guard let remote else { return true }
        return bytes[bytes.index(after: colon)...].elementsEqual(remote.utf8)
    }
}
