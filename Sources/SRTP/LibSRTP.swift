// libsrtp's global state: srtp_init must run once per process before any session exists, and
// our OpenSSL-backed crypto types (CSRTPCrypto) replace the NSS ones Debian's build carries
// before the first session is created, so every session uses them.

import CSRTP
import CSRTPCrypto

enum LibSRTP {
    /// Swift runs a global's initializer exactly once, thread-safely, on first use.
    private static let initStatus: UInt32 = {
        let status = srtp_init()
        guard status == srtp_err_status_ok else { return status.rawValue }
        return UInt32(chobi_srtp_crypto_install())
    }()

    static func ensureInitialized() throws(SRTPError) {
        guard initStatus == srtp_err_status_ok.rawValue else { throw .initFail }
    }
}
