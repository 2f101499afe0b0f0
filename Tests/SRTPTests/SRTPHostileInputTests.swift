// Anyone on the path can send bytes that demux as SRTP. Every hostile packet must end in a
// typed error or a verified packet, and the session must keep working afterwards.

import SRTP
import TestSupport
import Testing

@Suite struct SRTPHostileInputTests {
    @Test(arguments: SRTPProfile.allCases)
    func hostileSRTPEndsTypedAndTheSessionSurvives(profile: SRTPProfile) throws {
        let (sender, receiver) = try SRTPSessionTests.pair(profile)
        var plaintexts: [[UInt8]: UInt16] = [:]
        var seeds: [[UInt8]] = []
        for seq in UInt16(1)...64 {
            let rtp = SRTPSessionTests.rtp(seq: seq, payload: Int(seq % 5) * 40)
            var packet = rtp
            try sender.protectRTP(&packet)
            plaintexts[rtp] = seq
            seeds.append(packet)
        }
        var verified = 0, rejected = 0
        for hostile in HostileInput(seeds: seeds, count: 100_000, seed: 0x5127, maxLength: 1_500) {
            var packet = hostile.bytes
            do {
                try receiver.unprotectRTP(&packet)
                verified += 1
                // Only real packets verify: the output is one of the plaintexts, shorter by the tag.
                #expect(plaintexts[packet] != nil, "case \(hostile.index) \(hostile.kind)")
                #expect(packet.count == hostile.bytes.count - receiver.rtpTrailerLength)
            } catch {
                rejected += 1
            }
        }
        #expect(verified > 0)
        #expect(rejected > 0)
        var fresh = SRTPSessionTests.rtp(seq: 500)
        try sender.protectRTP(&fresh)
        try receiver.unprotectRTP(&fresh)
        #expect(fresh == SRTPSessionTests.rtp(seq: 500))
    }

    @Test(arguments: SRTPProfile.allCases)
    func hostileSRTCPEndsTypedAndTheSessionSurvives(profile: SRTPProfile) throws {
        let (sender, receiver) = try SRTPSessionTests.pair(profile)
        var seeds: [[UInt8]] = []
        var plaintexts: Set<[UInt8]> = []
        for n in UInt8(0)..<32 {
            let rtcp: [UInt8] = [0x81, 0xC8, 0x00, 0x06, 0x0A, 0x0B, 0x0C, n] + [UInt8](repeating: n, count: 20)
            var packet = rtcp
            try sender.protectRTCP(&packet)
            plaintexts.insert(rtcp)
            seeds.append(packet)
        }
        var verified = 0, rejected = 0
        for hostile in HostileInput(seeds: seeds, count: 100_000, seed: 0x5C7, maxLength: 1_500) {
            var packet = hostile.bytes
            do {
                try receiver.unprotectRTCP(&packet)
                verified += 1
                #expect(plaintexts.contains(packet), "case \(hostile.index) \(hostile.kind)")
            } catch {
                rejected += 1
            }
        }
        #expect(verified > 0)
        #expect(rejected > 0)
        var fresh: [UInt8] = [0x80, 0xC9, 0x00, 0x01, 1, 2, 3, 4]
        try sender.protectRTCP(&fresh)
        try receiver.unprotectRTCP(&fresh)
        #expect(fresh == [0x80, 0xC9, 0x00, 0x01, 1, 2, 3, 4])
    }
}
