// SRTP: SRTP and SRTCP (RFC 3711, RFC 7714 AEAD-GCM) over libsrtp2, protecting and
// unprotecting packets in place in caller-owned buffers, without allocating per packet. It does
// not negotiate keys (DTLS exports them), parse RTP beyond the header bounds libsrtp needs, or
// own any I/O.

import CSRTP

/// Why protecting or unprotecting failed, or a session could not be made.
public enum SRTPError: Error, Sendable, Equatable {
    /// The packet's authentication tag did not verify (tampered, wrong key, or not SRTP).
    case authFail
    /// The packet index was already seen (a replay or a duplicate).
    case replayFail
    /// The packet index is older than the replay window.
    case replayOld
    /// libsrtp rejected a parameter or a packet shape (e.g. too short for its tag).
    case badParam
    case allocFail
    case initFail
    case cipherFail
    /// No stream context matched the packet's SSRC (cannot happen with wildcard SSRC policies).
    case noContext
    /// The key reached its use limit (2^48 SRTP / 2^31 SRTCP packets); rekey.
    case keyExpired
    /// Any other libsrtp status, by number.
    case library(UInt32)
    /// The packet is not a well-formed RTP/RTCP header for its length; libsrtp was not called.
    case malformedPacket
    /// The caller's buffer lacks the spare capacity protect needs after the packet.
    case bufferTooSmall(needed: Int, available: Int)
    /// Key or salt length does not match the profile.
    case invalidKeyLength(expected: Int, actual: Int)
    /// Replay window outside libsrtp's 64...32767.
    case invalidReplayWindow(Int)
    /// protect called on an inbound context, or unprotect on an outbound one.
    case wrongDirection

    init(status: srtp_err_status_t) {
        switch status {
        case srtp_err_status_auth_fail: self = .authFail
        case srtp_err_status_replay_fail: self = .replayFail
        case srtp_err_status_replay_old: self = .replayOld
        case srtp_err_status_bad_param: self = .badParam
        case srtp_err_status_alloc_fail: self = .allocFail
        case srtp_err_status_init_fail: self = .initFail
        case srtp_err_status_cipher_fail: self = .cipherFail
        case srtp_err_status_no_ctx: self = .noContext
        case srtp_err_status_key_expired: self = .keyExpired
        default: self = .library(status.rawValue)
        }
    }
}
