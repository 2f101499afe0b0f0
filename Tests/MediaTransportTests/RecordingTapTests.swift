import SFU
import Testing
@testable import MediaTransport

/// The ring between the media loop and a recorder's thread: what goes in comes out rewritten and
/// in order; a full ring drops and counts instead of waiting or growing.
@Suite struct RecordingTapTests {
    private func packet(sequenceNumber: UInt16, payload: UInt8) -> [UInt8] {
        [0x80, 96, UInt8(sequenceNumber >> 8), UInt8(truncatingIfNeeded: sequenceNumber), 0, 0, 0x03, 0xE8,
         0xAA, 0xBB, 0xCC, 0xDD, payload, payload]
    }

    private func rewrite(sequenceNumber: UInt16) -> RTPRewrite {
        RTPRewrite(ssrc: RoomRecorder.videoSSRC, sequenceNumber: sequenceNumber, timestamp: 90_000, payloadType: 100, marker: true)
    }

    @Test func packetsComeOutRewrittenInOrder() {
        let tap = RecordingTap(slotCount: 8, slotSize: 64)
        for i in 0..<5 {
            let bytes = packet(sequenceNumber: UInt16(i), payload: UInt8(i))
            bytes.withUnsafeBytes { #expect(tap.push($0, rewrite: rewrite(sequenceNumber: UInt16(100 + i)), arrivalMilliseconds: Int64(i))) }
        }
        var seen: [(sequenceNumber: UInt16, ssrc: UInt32, payload: UInt8, marker: Bool, at: Int64)] = []
        let count = tap.drain { bytes, at in
            let ssrc = UInt32(bytes[8]) << 24 | UInt32(bytes[9]) << 16 | UInt32(bytes[10]) << 8 | UInt32(bytes[11])
            seen.append((UInt16(bytes[2]) << 8 | UInt16(bytes[3]), ssrc, bytes[12], bytes[1] & 0x80 != 0, at))
        }
        #expect(count == 5)
        #expect(seen.map(\.sequenceNumber) == [100, 101, 102, 103, 104])
        #expect(seen.allSatisfy { $0.ssrc == RoomRecorder.videoSSRC && $0.marker })
        #expect(seen.map(\.payload) == [0, 1, 2, 3, 4])
        #expect(seen.map(\.at) == [0, 1, 2, 3, 4])
        #expect(tap.drain { _, _ in } == 0)
    }

    @Test func aFullRingDropsAndCountsThenTakesAgainOnceDrained() {
        let tap = RecordingTap(slotCount: 4, slotSize: 64)
        var accepted = 0
        for i in 0..<10 {
            let bytes = packet(sequenceNumber: UInt16(i), payload: 0)
            if bytes.withUnsafeBytes({ tap.push($0, rewrite: rewrite(sequenceNumber: UInt16(i)), arrivalMilliseconds: 0) }) { accepted += 1 }
        }
        #expect(accepted == 4)
        #expect(tap.dropped == 6)
        #expect(tap.drain { _, _ in } == 4)
        let bytes = packet(sequenceNumber: 11, payload: 0)
        #expect(bytes.withUnsafeBytes { tap.push($0, rewrite: rewrite(sequenceNumber: 11), arrivalMilliseconds: 0) })
    }

    @Test func anOversizedOrMalformedPacketIsDroppedNotTrapped() {
        let tap = RecordingTap(slotCount: 4, slotSize: 32)
        let big = [UInt8](repeating: 0x80, count: 100)
        let short: [UInt8] = [0x80, 96, 0]
        #expect(!big.withUnsafeBytes { tap.push($0, rewrite: rewrite(sequenceNumber: 1), arrivalMilliseconds: 0) })
        #expect(!short.withUnsafeBytes { tap.push($0, rewrite: rewrite(sequenceNumber: 1), arrivalMilliseconds: 0) })
        #expect(tap.dropped == 2)
        #expect(tap.drain { _, _ in } == 0)
    }
}
