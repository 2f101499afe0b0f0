// One DTLS connection, sans-I/O, in the shape str0m uses: feed it datagrams and timeouts with
// the current (possibly virtual) time, then drain `pollOutput()` and arm one timer for
// `nextDeadline`. OpenSSL does the protocol; this type moves bytes between OpenSSL's memory
// BIOs and the caller, runs OpenSSL on the caller's clock, checks the peer fingerprint and
// exports SRTP keys.

import OutputQueue
import CChobiShims
import COpenSSL

/// A DTLS 1.2 endpoint (RFC 6347) negotiating DTLS-SRTP (RFC 5764) for one peer.
///
/// Not thread-safe: one endpoint lives on one event loop. Times are `Duration`s since any fixed
/// origin (non-negative), and must not go backwards between calls.
public final class DTLSEndpoint {
    public let role: DTLSRole
    /// The fingerprint from the peer's SDP; its certificate must hash to it.
    public let remoteFingerprint: DTLSFingerprint
    /// Largest datagram we emit (except a single record that is larger, e.g. big app data).
    public let mtu: Int
    public private(set) var state: DTLSState = .new
    /// When `handleTimeout(at:)` should next be called; nil when no retransmission timer runs.
    public private(set) var nextDeadline: Duration?
    /// Datagrams ignored: not DTLS by RFC 7983's first-byte rule, too short or too long, or
    /// arriving after the connection ended. OpenSSL silently drops bad records inside datagrams.
    public private(set) var droppedDatagrams = 0

    /// Retransmission backoff: first timeout, doubled on each expiry up to the cap (OpenSSL gives
    /// up after 12 timeouts, ~40 s with these values).
    public static let initialRetransmissionTimeout: Duration = .milliseconds(400)
    public static let maximumRetransmissionTimeout: Duration = .seconds(4)

    /// True when OpenSSL's DTLS timer reads the `at:` times passed in (the gettimeofday
    /// interposition in CChobiShims is live), false if it fell back to the wall clock.
    public static var runsOnCallerClock: Bool { VirtualTime.isInterposed }

    /// RFC 7983: DTLS datagrams start with a content type byte in 20...63.
    private static let dtlsFirstByte: ClosedRange<UInt8> = 20...63
    private static let maximumRecordPlaintext = 16_384
    private static let maximumDatagram = 65_535

    private let certificate: DTLSCertificate  // owns the SSL_CTX this connection came from
    private let ssl: OpaquePointer
    private let networkToSSL: OpaquePointer  // owned by `ssl`
    private let sslToNetwork: OpaquePointer  // owned by `ssl`
    /// Set by the verify callback when the peer's certificate does not match its fingerprint.
    private var peerCertificateRejected = false
    private var outputs = OutputQueue<DTLSOutput>()
    private var readBuffer: [UInt8] = []

    /// - Parameters:
    ///   - srtpProfiles: profiles to offer (client) or accept (server), most preferred first.
    ///   - mtu: the largest datagram to send; OpenSSL fragments handshake messages to fit.
    public init(certificate: DTLSCertificate, role: DTLSRole, remoteFingerprint: DTLSFingerprint,
                srtpProfiles: [SRTPProtectionProfile] = SRTPProtectionProfile.preferred,
                mtu: Int = 1200) throws(DTLSError) {
        guard !srtpProfiles.isEmpty else { throw .setupFailed("no SRTP protection profile given") }
        guard (256...Self.maximumDatagram).contains(mtu) else { throw .setupFailed("MTU \(mtu) out of range") }
        OpenSSLErrorQueue.clear()
        guard let ssl = SSL_new(certificate.context.pointer) else {
            throw .setupFailed(OpenSSLErrorQueue.drain(or: "SSL_new failed"))
        }
        guard let networkToSSL = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw .setupFailed(OpenSSLErrorQueue.drain(or: "BIO_new failed"))
        }
        guard let sslToNetwork = BIO_new(BIO_s_mem()) else {
            BIO_free(networkToSSL)
            SSL_free(ssl)
            throw .setupFailed(OpenSSLErrorQueue.drain(or: "BIO_new failed"))
        }
        // An empty read BIO must say "retry", not "EOF", so OpenSSL waits for the next datagram.
        _ = chobi_BIO_set_mem_eof_return(networkToSSL, -1)
        SSL_set_bio(ssl, networkToSSL, sslToNetwork)
        if role == .server { SSL_set_accept_state(ssl) } else { SSL_set_connect_state(ssl) }
        _ = chobi_SSL_set_mtu(ssl, mtu)
        DTLS_set_timer_cb(ssl) { _, previous in
            // Called with 0 to start a timer, else with the duration that just expired.
            let initial = UInt32(DTLSEndpoint.initialRetransmissionTimeout / .microseconds(1))
            let maximum = UInt32(DTLSEndpoint.maximumRetransmissionTimeout / .microseconds(1))
            if previous == 0 { return initial }
            return previous >= maximum / 2 ? maximum : previous * 2
        }
        if srtpProfiles != SRTPProtectionProfile.preferred {
            let list = srtpProfiles.map(\.openSSLName).joined(separator: ":")
            guard SSL_set_tlsext_use_srtp(ssl, list) == 0 else {
                SSL_free(ssl)
                throw .setupFailed(OpenSSLErrorQueue.drain(or: "SSL_set_tlsext_use_srtp failed"))
            }
        }
        self.certificate = certificate
        self.ssl = ssl
        self.networkToSSL = networkToSSL
        self.sslToNetwork = sslToNetwork
        self.role = role
        self.remoteFingerprint = remoteFingerprint
        self.mtu = mtu
        // The verify callback finds its endpoint through the SSL's app data slot (index 0). The
        // pointer is unretained: the SSL, and with it any callback, dies in our deinit.
        SSL_set_ex_data(ssl, 0, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit { SSL_free(ssl) }

    // MARK: Inputs

    /// Starts the handshake: the client sends its ClientHello; the server just waits (it also
    /// starts by itself on the first datagram).
    public func start(at now: Duration) {
        guard state == .new else { return }
        state = .handshaking
        VirtualTime.run(at: now) {
            OpenSSLErrorQueue.clear()
            driveHandshake()
            finishCall(at: now)
        }
    }

    /// Feeds one received datagram. Garbage is dropped (counted) or, if OpenSSL finds it fatal
    /// during the handshake, ends in a `.failed` event; it never traps.
    public func handle<Datagram: Collection<UInt8>>(datagram: Datagram, at now: Duration) {
        let handled: Void? = datagram.withContiguousStorageIfAvailable { handle(bytes: UnsafeRawBufferPointer($0), at: now) }
        if handled == nil {
            Array(datagram).withUnsafeBytes { handle(bytes: $0, at: now) }
        }
    }

    /// Fires the retransmission timer if it is due at `now`.
    public func handleTimeout(at now: Duration) {
        guard state == .handshaking || state == .connected, nextDeadline != nil else { return }
        VirtualTime.run(at: now) {
            OpenSSLErrorQueue.clear()
            if chobi_DTLSv1_handle_timeout(ssl) < 0 {
                fail(state == .handshaking ? .handshakeTimedOut
                        : .connectionFailed(OpenSSLErrorQueue.drain(or: "retransmission failed")))
            }
            finishCall(at: now)
        }
    }

    /// Encrypts one message of application data (an SCTP packet) into one record.
    public func send(applicationData: [UInt8], at now: Duration) throws(DTLSError) {
        guard state == .connected else { throw .notConnected }
        guard applicationData.count <= Self.maximumRecordPlaintext else {
            throw .applicationDataTooLarge(applicationData.count)
        }
        guard !applicationData.isEmpty else { return }
        VirtualTime.run(at: now) {
            OpenSSLErrorQueue.clear()
            let written = applicationData.withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
            if written <= 0 {
                fail(.connectionFailed(OpenSSLErrorQueue.drain(or: "SSL_write failed")))
            }
            finishCall(at: now)
        }
    }

    /// Sends close_notify and ends the connection; emits `.closed`.
    public func close(at now: Duration) {
        switch state {
        case .failed, .closed:
            return
        case .new:
            state = .closed
        case .handshaking, .connected:
            VirtualTime.run(at: now) {
                OpenSSLErrorQueue.clear()
                _ = SSL_shutdown(ssl)
                state = .closed
                finishCall(at: now)
            }
        }
        enqueue(.event(.closed))
    }

    // MARK: Outputs

    /// The next datagram, event or application data; nil when drained.
    public func pollOutput() -> DTLSOutput? { outputs.next() }

    // MARK: Internals

    private func handle(bytes: UnsafeRawBufferPointer, at now: Duration) {
        guard bytes.count >= DTLSDatagramPacker.recordHeaderLength, bytes.count <= Self.maximumDatagram,
              Self.dtlsFirstByte.contains(bytes[0]) else {
            droppedDatagrams += 1
            return
        }
        switch state {
        case .new where role == .server:
            state = .handshaking
        case .handshaking, .connected:
            break
        case .new, .failed, .closed:
            droppedDatagrams += 1
            return
        }
        VirtualTime.run(at: now) {
            OpenSSLErrorQueue.clear()
            // One datagram at a time: OpenSSL reads a whole datagram per record-layer read and
            // discards the rest of it on a bad record, so datagrams must not be concatenated.
            _ = chobi_BIO_reset(networkToSSL)
            _ = BIO_write(networkToSSL, bytes.baseAddress, Int32(bytes.count))
            if state == .handshaking { driveHandshake() }
            if state == .connected { readApplicationData() }
            _ = chobi_BIO_reset(networkToSSL)
            finishCall(at: now)
        }
    }

    private func driveHandshake() {
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            completeHandshake()
            return
        }
        let error = SSL_get_error(ssl, result)
        if error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE { return }
        let reason = OpenSSLErrorQueue.drain(or: "SSL_do_handshake error \(error)")
        fail(peerCertificateRejected ? .fingerprintMismatch : .handshakeFailed(reason))
    }

    /// The verify callback's work (see DTLSContext): true when the peer's leaf certificate
    /// hashes to the expected fingerprint. Other chain entries and chain errors are ignored.
    static func verifyPeerCertificate(in store: OpaquePointer) -> Bool {
        guard X509_STORE_CTX_get_error_depth(store) == 0 else { return true }
        guard let sslPointer = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()),
              let endpointPointer = SSL_get_ex_data(OpaquePointer(sslPointer), 0),
              let leaf = X509_STORE_CTX_get0_cert(store) else { return false }
        let endpoint = Unmanaged<DTLSEndpoint>.fromOpaque(endpointPointer).takeUnretainedValue()
        let expected = endpoint.remoteFingerprint
        guard let digest = try? DTLSCertificate.digest(of: leaf, algorithm: expected.algorithm),
              expected.matches(digest: digest) else {
            endpoint.peerCertificateRejected = true
            return false
        }
        return true
    }

    /// Runs once SSL_do_handshake succeeds: authenticate the peer by fingerprint (again: the
    /// verify callback already did, but keys must never leave without this check), then export keys.
    private func completeHandshake() {
        flushWrites()  // the server's final flight goes out before any event
        guard let peer = SSL_get1_peer_certificate(ssl) else {
            fail(.noPeerCertificate)
            return
        }
        defer { X509_free(peer) }
        let digest: [UInt8]
        do {
            digest = try DTLSCertificate.digest(of: peer, algorithm: remoteFingerprint.algorithm)
        } catch {
            fail(.handshakeFailed("hashing the peer certificate failed"))
            return
        }
        guard remoteFingerprint.matches(digest: digest) else {
            _ = SSL_shutdown(ssl)  // tell the peer we are done with it
            fail(.fingerprintMismatch)
            return
        }
        guard let selected = SSL_get_selected_srtp_profile(ssl),
              let profile = SRTPProtectionProfile(rawValue: UInt16(truncatingIfNeeded: selected.pointee.id)) else {
            fail(.noSRTPProfile)
            return
        }
        var exported = [UInt8](repeating: 0, count: 2 * (profile.keyLength + profile.saltLength))
        let label = "EXTRACTOR-dtls_srtp"
        let ok = exported.withUnsafeMutableBufferPointer {
            SSL_export_keying_material(ssl, $0.baseAddress, $0.count, label, label.utf8.count, nil, 0, 0)
        }
        guard ok == 1, let keys = SRTPKeyingMaterial(exported: exported, profile: profile, isClient: role == .client) else {
            fail(.keyExportFailed)
            return
        }
        state = .connected
        enqueue(.event(.connected(keys)))
    }

    private func readApplicationData() {
        if readBuffer.isEmpty { readBuffer = [UInt8](repeating: 0, count: Self.maximumRecordPlaintext) }
        while state == .connected {
            let count = readBuffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if count > 0 {
                enqueue(.applicationData(Array(readBuffer[0..<Int(count)])))
                continue
            }
            let error = SSL_get_error(ssl, count)
            switch error {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                return
            case SSL_ERROR_ZERO_RETURN:
                _ = SSL_shutdown(ssl)  // answer the peer's close_notify with ours
                state = .closed
                enqueue(.event(.closed))
            default:
                fail(.connectionFailed(OpenSSLErrorQueue.drain(or: "SSL_read error \(error)")))
            }
        }
    }

    private func fail(_ error: DTLSError) {
        guard state != .failed && state != .closed else { return }
        state = .failed
        enqueue(.event(.failed(error)))
    }

    /// After every OpenSSL call: send what it wrote, then re-read its timer under the same time.
    private func finishCall(at now: Duration) {
        flushWrites()
        var remaining: Int64 = 0
        if (state == .handshaking || state == .connected) && chobi_DTLSv1_get_timeout(ssl, &remaining) == 1 {
            nextDeadline = now + .microseconds(remaining)
        } else {
            nextDeadline = nil
        }
        OpenSSLErrorQueue.clear()
    }

    private func flushWrites() {
        var data: UnsafeMutablePointer<CChar>?
        let count = chobi_BIO_get_mem_data(sslToNetwork, &data)
        guard count > 0, let data else { return }
        DTLSDatagramPacker.split(UnsafeRawBufferPointer(start: data, count: count), mtu: mtu) {
            enqueue(.transmit($0))
        }
        _ = chobi_BIO_reset(sslToNetwork)
    }

    private func enqueue(_ output: DTLSOutput) {
        outputs.append(output)
    }
}
