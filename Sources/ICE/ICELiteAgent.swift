// The ICE-lite agent: answers the peer's connectivity checks and decides which remote address
// media goes to. Shape borrowed from str0m's ice crate: feed input (`handle(datagram:)`,
// `handleTimeout(at:)`), then drain `pollOutput()` until nil and arm a timer at `nextDeadline`.
//
// Nomination (RFC 8445 §8.2, lite side): a lite agent is always controlled and never judges
// pairs itself; the controlling peer decides. So the address of the latest valid check with
// USE-CANDIDATE is selected, and a later valid nominating check from another address (NAT
// rebinding, Wi-Fi to cellular, the peer re-nominating) switches the selection. A valid check
// WITHOUT USE-CANDIDATE from a new address only makes that address authorized (and keeps its
// consent); it does not move media until the peer nominates it. An unauthenticated check never
// affects selection, authorization or consent.

import OutputQueue
import STUN

/// A sans-I/O ICE-lite agent for one peer connection (one component, RTP/RTCP muxed).
public struct ICELiteAgent: Sendable {
    /// RFC 7675 §5.1: consent expires 30 s after the last valid check.
    public static let defaultConsentTimeout: Duration = .seconds(30)
    /// Addresses with live consent kept at once; older non-selected ones are dropped first.
    public static let defaultAuthorizedAddressLimit = 8

    public private(set) var localCredentials: ICECredentials
    public private(set) var remoteCredentials: ICECredentials?
    public private(set) var state: ICEConnectionState = .new
    /// Where media goes; nil before the first nomination and after consent expiry.
    public private(set) var selectedAddress: TransportAddress?
    public private(set) var counters = ICEAgentCounters()

    private var localKey: STUNIntegrityKey
    private var consent: ConsentTracker
    /// After a restart, the next nomination completes it and is reported even if it names the
    /// address already selected, so the owner knows the new credentials are in use.
    private var restartAwaitingNomination = false
    private var replayGuard = CheckReplayGuard()
    private var outputs = OutputQueue<ICEOutput>(capacity: 4)

    /// - Parameters:
    ///   - local: our credentials, as put in our SDP.
    ///   - remote: the peer's, when its SDP is known; its ufrag is then required in checks.
    public init(local: ICECredentials, remote: ICECredentials? = nil,
                consentTimeout: Duration = defaultConsentTimeout,
                authorizedAddressLimit: Int = defaultAuthorizedAddressLimit) {
        localCredentials = local
        remoteCredentials = remote
        localKey = local.integrityKey
        consent = ConsentTracker(timeout: consentTimeout, capacity: authorizedAddressLimit)
    }

    // MARK: - Inputs

    /// Feeds one datagram that the demux classified as STUN, received from `source` at `now`.
    public mutating func handle(datagram: UnsafeRawBufferPointer, from source: TransportAddress, at now: Duration) {
        defer { nextDeadline = consent.nextExpiry }
        handleTimeout(at: now)
        let request: STUNMessage
        do {
            request = try STUNMessage.parse(datagram)
        } catch {
            counters.malformedDatagrams += 1
            return
        }
        guard request.type.class == .request else {
            // A lite agent sends no requests, so responses are stray; indications are keepalives
            // that prove nothing (they are unauthenticated) and need no answer.
            counters.ignoredMessages += 1
            return
        }
        let verdict = ConnectivityCheck.judge(request, datagram: datagram, local: localCredentials,
                                              localKey: localKey, remoteUfrag: remoteCredentials?.ufrag)
        switch verdict {
        case .rejected(let code, let authenticated, let unknown):
            counters.rejectedChecks += 1
            if let bytes = BindingResponse.error(to: request, code: code, unknown: unknown,
                                                 key: authenticated ? localKey : nil) {
                outputs.append(.transmit(bytes, to: source))
            }
        case .valid(let nominated):
            guard replayGuard.judge(request.transactionID, from: source) != .replay else {
                counters.replayedChecks += 1
                return
            }
            counters.validChecks += 1
            if let bytes = BindingResponse.success(to: request, source: source, key: localKey) {
                outputs.append(.transmit(bytes, to: source))
            }
            acceptValidCheck(from: source, nominated: nominated, at: now)
        }
    }

    /// Feeds one datagram held in any byte collection (copied only if it is not contiguous).
    public mutating func handle(datagram: some Collection<UInt8>, from source: TransportAddress, at now: Duration) {
        let done: Void? = datagram.withContiguousStorageIfAvailable { buffer in
            handle(datagram: UnsafeRawBufferPointer(buffer), from: source, at: now)
        }
        if done == nil {
            Array(datagram).withUnsafeBytes { handle(datagram: $0, from: source, at: now) }
        }
    }

    /// Advances time: expires consent that ran out by `now`. Call at `nextDeadline` (calling
    /// earlier or more often is harmless).
    public mutating func handleTimeout(at now: Duration) {
        defer { nextDeadline = consent.nextExpiry }
        let selectedExpired = consent.expire(at: now, watched: selectedAddress)
        guard selectedExpired else { return }
        selectedAddress = nil
        outputs.append(.event(.consentExpired))
        setState(.disconnected)
    }

    /// ICE restart (RFC 8445 §9): new local credentials and, if known, the peer's new ones.
    /// Checks with the old credentials are refused (401) from now on. The selected address keeps
    /// carrying media (and keeps its consent clock) until the peer nominates with the new ones.
    public mutating func restart(localCredentials: ICECredentials, remote: ICECredentials?) {
        self.localCredentials = localCredentials
        localKey = localCredentials.integrityKey
        remoteCredentials = remote
        restartAwaitingNomination = true
    }

    /// Sets or replaces the peer's credentials (e.g. when its answer arrives after its first checks).
    public mutating func setRemoteCredentials(_ remote: ICECredentials?) {
        remoteCredentials = remote
    }

    // MARK: - Outputs

    /// The next output, or nil when drained. Drain after every input.
    public mutating func pollOutput() -> ICEOutput? { outputs.next() }

    /// When `handleTimeout(at:)` must next be called; nil when no consent clock is running.
    /// Stored (kept by the two inputs that move consent) rather than computed: the loop reads it
    /// for every peer on every timer and batch, and a stored field is read in place, where a
    /// computed one made callers copy the whole agent out of its `PeerConnection` first.
    public private(set) var nextDeadline: Duration?

    /// Whether media from `address` is accepted: the selected address and any address that
    /// passed a valid check within the consent timeout. Everything else is dropped by the caller.
    public func isAuthorized(_ address: TransportAddress) -> Bool {
        address == selectedAddress || consent.hasConsent(address)
    }

    // MARK: - Private

    private mutating func acceptValidCheck(from source: TransportAddress, nominated: Bool, at now: Duration) {
        consent.refresh(source, at: now, protecting: nominated ? source : selectedAddress)
        guard nominated else {
            if state == .new { setState(.checking) }
            return
        }
        if selectedAddress != source || restartAwaitingNomination {
            selectedAddress = source
            restartAwaitingNomination = false
            outputs.append(.event(.selected(source)))
        }
        setState(.connected)
    }

    private mutating func setState(_ newState: ICEConnectionState) {
        guard newState != state else { return }
        state = newState
        outputs.append(.event(.stateChanged(newState)))
    }
}
