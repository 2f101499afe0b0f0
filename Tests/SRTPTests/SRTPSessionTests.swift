// Replay protection, authentication, SRTCP indexes, many SSRCs, and misuse of the API.

import SRTP
import TestSupport
import Testing

@Suite struct SRTPSessionTests {
    static let key: [UInt8] = (0..<16).map { UInt8($0 * 3) }
    static let cmSalt: [UInt8] = (0..<14).map { UInt8(0xF0 - $0) }
    static let gcmSalt: [UInt8] = Array(cmSalt.prefix(12))

    static func pair(_ profile: SRTPProfile, replayWindow: Int = 1024) throws -> (sender: SRTPSession, receiver: SRTPSession) {
        let salt = profile == .aeadAes128Gcm ? gcmSalt : cmSalt
        let otherKey = key.map { $0 ^ 0x5C }
        let sender = try SRTPSession(profile: profile, localKey: key, localSalt: salt, remoteKey: otherKey,
                                     remoteSalt: salt, replayWindow: replayWindow)
        let receiver = try SRTPSession(profile: profile, localKey: otherKey, localSalt: salt, remoteKey: key,
                                       remoteSalt: salt, replayWindow: replayWindow)
        return (sender, receiver)
    }

    static func rtp(seq: UInt16, ssrc: UInt32 = 0x1122_3344, payload: Int = 160) -> [UInt8] {
        [0x80, 0x6F, UInt8(seq >> 8), UInt8(seq & 0xFF), 0, 0, 0x10, 0x00,
         UInt8(ssrc >> 24), UInt8(ssrc >> 16 & 0xFF), UInt8(ssrc >> 8 & 0xFF), UInt8(ssrc & 0xFF)]
            + (0..<payload).map { UInt8(truncatingIfNeeded: Int(seq) &+ $0) }
    }

    @Test(arguments: SRTPProfile.allCases)
    func replayedPacketIsRejected(profile: SRTPProfile) throws {
        let (sender, receiver) = try Self.pair(profile)
        var packet = Self.rtp(seq: 7)
        try sender.protectRTP(&packet)
        var first = packet, second = packet
        try receiver.unprotectRTP(&first)
        #expect(first == Self.rtp(seq: 7))
        #expect(throws: SRTPError.replayFail) { try receiver.unprotectRTP(&second) }
        #expect(second == packet)  // a failed unprotect leaves the array as it was
    }

    @Test(arguments: SRTPProfile.allCases)
    func tamperedBytesFailAuthentication(profile: SRTPProfile) throws {
        let (sender, receiver) = try Self.pair(profile)
        var packet = Self.rtp(seq: 100)
        try sender.protectRTP(&packet)
        for index in [2, 8, 20, packet.count - 1] {  // seq, SSRC, payload, tag
            var tampered = packet
            tampered[index] ^= 0x01
            #expect(throws: SRTPError.authFail, "byte \(index)") { try receiver.unprotectRTP(&tampered) }
        }
        try receiver.unprotectRTP(&packet)  // the original still verifies afterwards
        #expect(packet == Self.rtp(seq: 100))
    }

    @Test func replayWindowSizeIsHonoured() throws {
        for (window, lateAccepted) in [(64, false), (1024, true)] {
            let (sender, receiver) = try Self.pair(.aeadAes128Gcm, replayWindow: window)
            // Sent in order (the sender has a replay window too), received 100 packets reordered.
            var packets: [[UInt8]] = []
            for seq: UInt16 in [900, 1000] {
                var packet = Self.rtp(seq: seq)
                try sender.protectRTP(&packet)
                packets.insert(packet, at: 0)
            }
            try receiver.unprotectRTP(&packets[0])
            if lateAccepted {
                try receiver.unprotectRTP(&packets[1])  // 100 late: inside a 1024 window
                #expect(packets[1] == Self.rtp(seq: 900))
            } else {
                #expect(throws: SRTPError.replayOld) { try receiver.unprotectRTP(&packets[1]) }
            }
        }
    }

    @Test(arguments: SRTPProfile.allCases)
    func rtcpCarriesAnIncreasingSRTCPIndex(profile: SRTPProfile) throws {
        let (sender, receiver) = try Self.pair(profile)
        let report: [UInt8] = [0x81, 0xC9, 0x00, 0x07, 0xDE, 0xAD, 0xBE, 0xEF] + (0..<24).map { UInt8($0) }
        for expectedIndex: UInt8 in 1...3 {
            var packet = report
            try sender.protectRTCP(&packet)
            #expect(packet.count == report.count + sender.rtcpTrailerLength)
            // E flag set, index in the low bits: after the packet for AES-CM (then the tag), at
            // the very end for GCM (RFC 7714 §17).
            let indexAt = profile == .aeadAes128Gcm ? packet.count - 4 : report.count
            #expect(Array(packet[indexAt..<(indexAt + 4)]) == [0x80, 0, 0, expectedIndex])
            #expect(packet[8...] != report[8...])  // encrypted
            try receiver.unprotectRTCP(&packet)
            #expect(packet == report)
        }
    }

    @Test func manySSRCsShareOneSession() throws {
        let (sender, receiver) = try Self.pair(.aes128CmHmacSha1_80)
        for ssrc in UInt32(1)...200 {
            for seq: UInt16 in [1, 2] {
                var packet = Self.rtp(seq: seq, ssrc: ssrc &* 0x9E37_79B9)
                try sender.protectRTP(&packet)
                try receiver.unprotectRTP(&packet)
                #expect(packet == Self.rtp(seq: seq, ssrc: ssrc &* 0x9E37_79B9))
            }
        }
    }

    /// Retransmitting a cached packet (NACK without RTX) protects the same seq again.
    @Test func outboundAllowsRepeatedTransmissionWhenAsked() throws {
        let (sender, _) = try Self.pair(.aeadAes128Gcm)
        var first = Self.rtp(seq: 5), again = Self.rtp(seq: 5)
        try sender.protectRTP(&first)
        try sender.protectRTP(&again)
        #expect(first == again)
        let strict = try SRTPContext(direction: .outbound, profile: .aeadAes128Gcm, key: Self.key, salt: Self.gcmSalt,
                                     allowRepeatTransmission: false)
        let length = Self.rtp(seq: 5).count
        var packet = Self.rtp(seq: 5) + [UInt8](repeating: 0, count: SRTPContext.requiredRTPCapacity)
        _ = try packet.withUnsafeMutableBytes { try strict.protectRTP($0, length: length) }
        packet = Self.rtp(seq: 5) + [UInt8](repeating: 0, count: SRTPContext.requiredRTPCapacity)
        #expect(throws: SRTPError.replayFail) {
            _ = try packet.withUnsafeMutableBytes { try strict.protectRTP($0, length: length) }
        }
    }

    @Test func rejectsMisuseWithTypedErrors() throws {
        #expect(throws: SRTPError.invalidKeyLength(expected: 16, actual: 15)) {
            _ = try SRTPContext(direction: .outbound, profile: .aeadAes128Gcm, key: Array(Self.key.prefix(15)), salt: Self.gcmSalt)
        }
        #expect(throws: SRTPError.invalidKeyLength(expected: 12, actual: 14)) {
            _ = try SRTPContext(direction: .outbound, profile: .aeadAes128Gcm, key: Self.key, salt: Self.cmSalt)
        }
        #expect(throws: SRTPError.invalidReplayWindow(10)) {
            _ = try SRTPContext(direction: .inbound, profile: .aes128CmHmacSha1_80, key: Self.key, salt: Self.cmSalt, replayWindow: 10)
        }
        let outbound = try SRTPContext(direction: .outbound, profile: .aes128CmHmacSha1_80, key: Self.key, salt: Self.cmSalt)
        var packet = Self.rtp(seq: 1)
        let length = packet.count
        #expect(throws: SRTPError.bufferTooSmall(needed: length + SRTPContext.requiredRTPCapacity, available: length)) {
            _ = try packet.withUnsafeMutableBytes { try outbound.protectRTP($0, length: length) }
        }
        #expect(throws: SRTPError.wrongDirection) {
            _ = try packet.withUnsafeMutableBytes { try outbound.unprotectRTP($0, length: length) }
        }
        #expect(throws: SRTPError.malformedPacket) {
            _ = try packet.withUnsafeMutableBytes { try outbound.protectRTP($0, length: length + 1) }
        }
        let (sender, _) = try Self.pair(.aes128CmHmacSha1_80)
        var version1 = Self.rtp(seq: 1)
        version1[0] = 0x40
        #expect(throws: SRTPError.malformedPacket) { try sender.protectRTP(&version1) }
        var csrcOverrun = Array(Self.rtp(seq: 1, payload: 4))
        csrcOverrun[0] = 0x8F  // 15 CSRCs claimed, 4 bytes present
        #expect(throws: SRTPError.malformedPacket) { try sender.protectRTP(&csrcOverrun) }
        var extensionOverrun = Self.rtp(seq: 1, payload: 8)
        extensionOverrun[0] = 0x90
        extensionOverrun[14] = 0xFF  // extension length 0xFF.. words
        #expect(throws: SRTPError.malformedPacket) { try sender.protectRTP(&extensionOverrun) }
        var shortRTCP: [UInt8] = [0x81, 0xC9, 0, 1]
        #expect(throws: SRTPError.malformedPacket) { try sender.protectRTCP(&shortRTCP) }
    }

    /// srtp_init runs once even when the first sessions are created concurrently.
    @Test func sessionsCanBeCreatedConcurrently() async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    let (sender, receiver) = try Self.pair(worker % 2 == 0 ? .aeadAes128Gcm : .aes128CmHmacSha1_80)
                    var packet = Self.rtp(seq: UInt16(worker))
                    try sender.protectRTP(&packet)
                    try receiver.unprotectRTP(&packet)
                    return packet == Self.rtp(seq: UInt16(worker))
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }
}
