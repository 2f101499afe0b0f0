// Test adapter: a DTLSEndpoint as a DatagramPeer, recording what it sent (with virtual send
// times), its events and the application data it delivered.

import DTLS
import TestSupport

final class DTLSPeer: DatagramPeer {
    let endpoint: DTLSEndpoint
    private(set) var events: [DTLSEvent] = []
    private(set) var applicationData: [[UInt8]] = []
    /// Every datagram the endpoint produced, stamped with the virtual time of the call.
    private(set) var sent: [(at: Duration, bytes: [UInt8])] = []
    private var pending: [[UInt8]] = []

    init(_ endpoint: DTLSEndpoint) { self.endpoint = endpoint }

    convenience init(role: DTLSRole, certificate: DTLSCertificate, expecting remote: DTLSFingerprint,
                     profiles: [SRTPProtectionProfile] = SRTPProtectionProfile.preferred, mtu: Int = 1200) throws {
        self.init(try DTLSEndpoint(certificate: certificate, role: role, remoteFingerprint: remote,
                                   srtpProfiles: profiles, mtu: mtu))
    }

    func start(at now: Duration) {
        endpoint.start(at: now)
        drain(at: now)
    }

    func receive(_ datagram: [UInt8], at now: Duration) {
        endpoint.handle(datagram: datagram, at: now)
        drain(at: now)
    }

    func fireTimeout(at now: Duration) {
        endpoint.handleTimeout(at: now)
        drain(at: now)
    }

    func send(_ data: [UInt8], at now: Duration) throws {
        try endpoint.send(applicationData: data, at: now)
        drain(at: now)
    }

    func close(at now: Duration) {
        endpoint.close(at: now)
        drain(at: now)
    }

    var deadline: Duration? { endpoint.nextDeadline }

    func takeDatagrams() -> [[UInt8]] {
        defer { pending.removeAll() }
        return pending
    }

    var keys: SRTPKeyingMaterial? {
        for case .connected(let keys) in events { return keys }
        return nil
    }

    var failure: DTLSError? {
        for case .failed(let error) in events { return error }
        return nil
    }

    var isClosed: Bool { events.contains(.closed) }

    private func drain(at now: Duration) {
        while let output = endpoint.pollOutput() {
            switch output {
            case .transmit(let bytes):
                sent.append((now, bytes))
                pending.append(bytes)
            case .event(let event):
                events.append(event)
            case .applicationData(let data):
                applicationData.append(data)
            }
        }
    }
}

/// Certificates are slow-ish to make (key generation, signing): make them once for all tests.
enum Identities {
    static let server: DTLSCertificate = try! DTLSCertificate()
    static let client: DTLSCertificate = try! DTLSCertificate()
    static let stranger: DTLSCertificate = try! DTLSCertificate()
}

/// DTLS record/handshake bytes the tests look at to tell flights apart.
enum Wire {
    static let changeCipherSpec: UInt8 = 20
    static let handshake: UInt8 = 22
    static let clientHello: UInt8 = 1
    static let serverHello: UInt8 = 2
    static let certificate: UInt8 = 11

    /// Content type of the first record in a datagram.
    static func firstRecordType(_ datagram: [UInt8]) -> UInt8? { datagram.first }

    /// Handshake message type of the first record, if it is an epoch-0 handshake record.
    static func firstHandshakeType(_ datagram: [UInt8]) -> UInt8? {
        guard datagram.count > 13, datagram[0] == handshake, datagram[3] == 0, datagram[4] == 0 else { return nil }
        return datagram[13]
    }
}

/// A client (peer A) and a server (peer B) that expect each other's certificates.
func makeDTLSPair(clientProfiles: [SRTPProtectionProfile] = SRTPProtectionProfile.preferred,
                  serverProfiles: [SRTPProtectionProfile] = SRTPProtectionProfile.preferred,
                  clientExpects: DTLSFingerprint = Identities.server.fingerprint,
                  serverExpects: DTLSFingerprint = Identities.client.fingerprint,
                  mtu: Int = 1200,
                  link: LossyLink = LossyLink()) throws -> PeerPairDriver<DTLSPeer, DTLSPeer> {
    let client = try DTLSPeer(role: .client, certificate: Identities.client, expecting: clientExpects,
                              profiles: clientProfiles, mtu: mtu)
    let server = try DTLSPeer(role: .server, certificate: Identities.server, expecting: serverExpects,
                              profiles: serverProfiles, mtu: mtu)
    return PeerPairDriver(a: client, b: server, link: link)
}

extension PeerPairDriver where A == DTLSPeer, B == DTLSPeer {
    var client: DTLSPeer { a }
    var server: DTLSPeer { b }

    /// Starts the client and runs until both sides connected or one failed.
    @discardableResult
    func handshake(timeLimit: Duration = .seconds(60)) -> Bool {
        client.start(at: now)
        return run(until: { bothConnected || client.failure != nil || server.failure != nil }, timeLimit: timeLimit)
            && bothConnected
    }

    var bothConnected: Bool { client.keys != nil && server.keys != nil }
}
