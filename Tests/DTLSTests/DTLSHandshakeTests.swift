// Full handshakes between two in-memory endpoints: profile negotiation, key export and its
// agreement with SRTP, application data, close, MTU.

import DTLS
import SRTP
import TestSupport
import Testing

@Suite struct DTLSHandshakeTests {
    @Test(arguments: SRTPProtectionProfile.allCases)
    func handshakeNegotiatesTheOnlyProfileTheServerAccepts(profile: SRTPProtectionProfile) throws {
        let pair = try makeDTLSPair(serverProfiles: [profile])
        #expect(pair.handshake())
        let client = try #require(pair.client.keys)
        let server = try #require(pair.server.keys)
        #expect(client.profile == profile)
        #expect(server.profile == profile)
        #expect(client.localKey.count == profile.keyLength && client.localSalt.count == profile.saltLength)
        // What one side writes with, the other reads with.
        #expect(client.localKey == server.remoteKey)
        #expect(client.localSalt == server.remoteSalt)
        #expect(client.remoteKey == server.localKey)
        #expect(client.remoteSalt == server.localSalt)
        #expect(client.localKey != client.remoteKey)
        #expect(pair.client.endpoint.state == .connected && pair.server.endpoint.state == .connected)
    }

    @Test func serverPrefersGCMWhenTheClientOffersBoth() throws {
        let pair = try makeDTLSPair(clientProfiles: [.aes128CmHmacSha1_80, .aeadAes128Gcm])
        #expect(pair.handshake())
        #expect(pair.server.keys?.profile == .aeadAes128Gcm)
    }

    @Test func clientOfferingOnlyAESCMGetsAESCM() throws {
        let pair = try makeDTLSPair(clientProfiles: [.aes128CmHmacSha1_80])
        #expect(pair.handshake())
        #expect(pair.client.keys?.profile == .aes128CmHmacSha1_80)
    }

    @Test func eachHandshakeExportsFreshKeys() throws {
        let first = try makeDTLSPair()
        let second = try makeDTLSPair()
        #expect(first.handshake() && second.handshake())
        #expect(first.client.keys?.localKey != second.client.keys?.localKey)
    }

    @Test(arguments: SRTPProtectionProfile.allCases)
    func exportedKeysDriveSRTPBothWays(profile: SRTPProtectionProfile) throws {
        let pair = try makeDTLSPair(serverProfiles: [profile])
        #expect(pair.handshake())
        let clientSRTP = try makeSession(try #require(pair.client.keys))
        let serverSRTP = try makeSession(try #require(pair.server.keys))

        let rtp: [UInt8] = [0x80, 0x60, 0x00, 0x01, 0x00, 0x00, 0x03, 0xE8, 0x11, 0x22, 0x33, 0x44]
            + Array(repeating: 0x5A, count: 100)
        var packet = rtp
        try clientSRTP.protectRTP(&packet)
        #expect(packet.count == rtp.count + clientSRTP.rtpTrailerLength)
        #expect(packet[12...] != rtp[12...])
        try serverSRTP.unprotectRTP(&packet)
        #expect(packet == rtp)

        let rtcp: [UInt8] = [0x81, 0xC9, 0x00, 0x07, 0x55, 0x66, 0x77, 0x88] + Array(repeating: 0x01, count: 24)
        var report = rtcp
        try serverSRTP.protectRTCP(&report)
        try clientSRTP.unprotectRTCP(&report)
        #expect(report == rtcp)

        // Keys from an unrelated handshake cannot read this session's packets.
        let other = try makeDTLSPair(serverProfiles: [profile])
        #expect(other.handshake())
        let stranger = try makeSession(try #require(other.server.keys))
        var foreign = rtp
        try clientSRTP.protectRTP(&foreign)
        #expect(throws: SRTPError.authFail) { try stranger.unprotectRTP(&foreign) }
    }

    @Test func applicationDataFlowsBothWaysAfterConnect() throws {
        let pair = try makeDTLSPair()
        #expect(pair.handshake())
        let small: [UInt8] = [0x13]
        let large = (0..<1100).map { UInt8(truncatingIfNeeded: $0 * 7) }
        try pair.client.send(small, at: pair.now)
        try pair.client.send(large, at: pair.now)
        try pair.server.send(large.reversed(), at: pair.now)
        #expect(pair.run(until: { pair.server.applicationData.count == 2 && pair.client.applicationData.count == 1 }))
        #expect(pair.server.applicationData == [small, large])
        #expect(pair.client.applicationData == [large.reversed()])
    }

    @Test func applicationDataIsRefusedBeforeConnectAndWhenTooLarge() throws {
        let pair = try makeDTLSPair()
        #expect(throws: DTLSError.notConnected) { try pair.client.send([1, 2, 3], at: pair.now) }
        #expect(pair.handshake())
        #expect(throws: DTLSError.applicationDataTooLarge(16_385)) {
            try pair.client.send([UInt8](repeating: 0, count: 16_385), at: pair.now)
        }
    }

    @Test func closeSendsCloseNotifyAndBothSidesReportClosed() throws {
        let pair = try makeDTLSPair()
        #expect(pair.handshake())
        pair.client.close(at: pair.now)
        #expect(pair.client.isClosed)
        #expect(pair.client.endpoint.state == .closed)
        #expect(pair.run(until: { pair.server.isClosed }))
        #expect(pair.server.endpoint.state == .closed)
        #expect(pair.server.endpoint.nextDeadline == nil)
        #expect(throws: DTLSError.notConnected) { try pair.server.send([1], at: pair.now) }
        // Input after close is dropped and counted.
        let before = pair.server.endpoint.droppedDatagrams
        let someRecord = try #require(pair.client.sent.first?.bytes)
        pair.server.receive(someRecord, at: pair.now)
        #expect(pair.server.endpoint.droppedDatagrams == before + 1)
    }

    @Test func smallMTUFragmentsTheHandshakeIntoDatagramsThatFit() throws {
        let pair = try makeDTLSPair(mtu: 300)
        #expect(pair.handshake())
        let sizes = pair.offered.map(\.bytes.count)
        #expect(sizes.allSatisfy { $0 <= 300 })
        // The server's certificate flight cannot fit one 300-byte datagram.
        #expect(pair.offered.filter { $0.direction == .bToA }.count > 2)
    }

    @Test func defaultMTUSendsEachFlightInOneDatagram() throws {
        let pair = try makeDTLSPair()
        #expect(pair.handshake())
        #expect(pair.offered.allSatisfy { $0.bytes.count <= 1200 })
        // ClientHello; ServerHello..Done; Certificate..Finished; ChangeCipherSpec+Finished.
        try #require(pair.offered.count == 4)
        #expect(Wire.firstHandshakeType(pair.offered[0].bytes) == Wire.clientHello)
        #expect(Wire.firstHandshakeType(pair.offered[1].bytes) == Wire.serverHello)
        #expect(Wire.firstHandshakeType(pair.offered[2].bytes) == Wire.certificate)
        #expect(Wire.firstRecordType(pair.offered[3].bytes) == Wire.changeCipherSpec)
    }

    @Test func certificateFingerprintIsSHA256AndStable() throws {
        let certificate = Identities.server
        #expect(certificate.fingerprint.algorithm == .sha256)
        #expect(certificate.fingerprint.bytes.count == 32)
        #expect(try DTLSFingerprint(sdpValue: certificate.fingerprint.sdpValue) == certificate.fingerprint)
        #expect(Identities.client.fingerprint != certificate.fingerprint)
        // The server's fingerprint is the one the client verified: a handshake expecting it succeeds.
        let pair = try makeDTLSPair(clientExpects: certificate.fingerprint)
        #expect(pair.handshake())
    }

    @Test func rejectsEmptyProfileListAndAbsurdMTU() {
        #expect(throws: DTLSError.self) {
            _ = try DTLSEndpoint(certificate: Identities.client, role: .client,
                                 remoteFingerprint: Identities.server.fingerprint, srtpProfiles: [])
        }
        #expect(throws: DTLSError.self) {
            _ = try DTLSEndpoint(certificate: Identities.client, role: .client,
                                 remoteFingerprint: Identities.server.fingerprint, mtu: 100)
        }
    }

    private func makeSession(_ keys: SRTPKeyingMaterial) throws -> SRTPSession {
        let profile = try #require(SRTPProfile(rawValue: keys.profile.rawValue))
        return try SRTPSession(profile: profile, localKey: keys.localKey, localSalt: keys.localSalt,
                               remoteKey: keys.remoteKey, remoteSalt: keys.remoteSalt)
    }
}
