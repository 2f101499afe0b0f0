// libsrtp's global state: srtp_init must run once per process before any session exists.

import CSRTP

enum LibSRTP {
    /// Swift runs a global's initializer exactly once, thread-safely, on first use.
    private static let initStatus: UInt32 = srtp_init().rawValue

    static func ensureInitialized() throws(SRTPError) {
        guard initStatus == srtp_err_status_ok.rawValue else { throw .initFail }
    }
}
