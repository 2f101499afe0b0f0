import Testing
import TestSupport
@testable import RTP

@Suite("Transport-wide CC feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01)")
struct TransportWideFeedbackTests {
    typealias Result = TransportWideFeedback.PacketResult

    /// Hand-built: a 2-bit status vector with a lost packet, a small delta of 255 and two large
    /// deltas (one negative). 28 bytes, no padding needed.
    static let twoBitVector: [UInt8] = [
        0x8F, 0xCD, 0x00, 0x06,  // V=2 P=0 FMT=15 | PT=205 RTPFB | length 6 → 28 bytes
        0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
        0x00, 0x00, 0x00, 0x02,  // SSRC of media source
        0x00, 0x0A, 0x00, 0x05,  // base seq 10 | status count 5
        0x00, 0x01, 0x00, 0x05,  // reference time 256 (× 64 ms) | fb pkt count 5
        0xD1, 0xA0,              // 2-bit vector: 01 small, 00 lost, 01 small, 10 large, 10 large, 00, 00
        0x04,                    // seq 10: +1 ms (4 ticks)
        0xFF,                    // seq 12: +63.75 ms
        0xFF, 0xFC,              // seq 13: -1 ms (large, negative)
        0x01, 0x2C,              // seq 14: +75 ms (300 ticks)
    ]

    static let twoBitValue = TransportWideFeedback(
        senderSSRC: 1, mediaSSRC: 2, baseSequenceNumber: 10, referenceTime: 256, feedbackPacketCount: 5,
        packets: [Result(sequenceNumber: 10, receiveDelta: 4), Result(sequenceNumber: 11, receiveDelta: nil),
                  Result(sequenceNumber: 12, receiveDelta: 255), Result(sequenceNumber: 13, receiveDelta: -4),
                  Result(sequenceNumber: 14, receiveDelta: 300)])

    @Test("2-bit status vector with small, large and negative deltas")
    func twoBitVectorVector() throws {
        #expect(try TransportWideFeedback(parsing: Self.twoBitVector) == Self.twoBitValue)
        #expect(try Self.twoBitValue.marshal() == Self.twoBitVector)
    }

    /// Hand-built: a run of 20 small deltas crossing the 16-bit wrap, then a 1-bit vector, and
    /// RTCP padding (P bit + count) to reach a 32-bit boundary.
    static let runAndOneBit: [UInt8] = [
        0xAF, 0xCD, 0x00, 0x0B,  // V=2 P=1 FMT=15 | PT=205 | length 11 → 48 bytes
        0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
        0x00, 0x00, 0x00, 0x02,  // SSRC of media source
        0xFF, 0xFE, 0x00, 0x17,  // base seq 65534 | status count 23
        0x00, 0x00, 0x00, 0x00,  // reference time 0 | fb pkt count 0
        0x20, 0x14,              // run length: symbol 01 (small delta) × 20
        0x90, 0x00,              // 1-bit vector: 0 lost, 1 received, 0 lost, (11 unused slots)
        0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,  // 20 deltas of 250 µs
        0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
        0x02,                    // the 22nd packet: 500 µs
        0x00, 0x00, 0x03,        // padding: 3 bytes, the last one counts them
    ]

    static var runAndOneBitValue: TransportWideFeedback {
        var packets = (0..<20).map { Result(sequenceNumber: 65534 &+ UInt16($0), receiveDelta: 1) }
        packets += [Result(sequenceNumber: 18, receiveDelta: nil), Result(sequenceNumber: 19, receiveDelta: 2),
                    Result(sequenceNumber: 20, receiveDelta: nil)]
        return TransportWideFeedback(senderSSRC: 1, mediaSSRC: 2, baseSequenceNumber: 65534, referenceTime: 0,
                                     feedbackPacketCount: 0, packets: packets)
    }

    @Test("run-length chunk across the wrap, 1-bit vector, and RTCP padding")
    func runLengthAndPadding() throws {
        let parsed = try TransportWideFeedback(parsing: Self.runAndOneBit)
        #expect(parsed == Self.runAndOneBitValue)
        #expect(parsed.packets[2].sequenceNumber == 0)
        #expect(try Self.runAndOneBitValue.marshal() == Self.runAndOneBit)
    }

    /// Two Chrome-shaped packets from Pion's transport_layer_cc_test.go (examples 1 and 4):
    /// run-length chunks and 1-3 bytes of RTCP padding. We re-encode them to the same bytes.
    static let chromeSamples: [[UInt8]] = [
        [0xAF, 0xCD, 0x00, 0x05, 0xFA, 0x17, 0xFA, 0x17, 0x43, 0x03, 0x2F, 0xA0,
         0x00, 0x99, 0x00, 0x01,  // base 153, 1 status
         0x3D, 0xE8, 0x02, 0x17,  // reference time 4057090, fb count 23
         0x20, 0x01, 0x94, 0x01], // RL small × 1, delta 148 (37 ms), padding 1
        [0xAF, 0xCD, 0x00, 0x07, 0xFA, 0x17, 0xFA, 0x17, 0x19, 0x3D, 0xD8, 0xBB,
         0x00, 0x04, 0x00, 0x07,  // base 4, 7 statuses
         0x10, 0x63, 0x6E, 0x01,  // reference time 1074030, fb count 1
         0x20, 0x07,              // RL small × 7
         0x4C, 0x24, 0x24, 0x10, 0x0C, 0x0C, 0x10,  // 19, 9, 9, 4, 3, 3, 4 ms
         0x00, 0x00, 0x03],       // padding 3
    ]

    @Test("Chrome-shaped samples decode as expected and re-encode byte for byte")
    func chromeSamplesRoundTrip() throws {
        let first = try TransportWideFeedback(parsing: Self.chromeSamples[0])
        #expect(first.baseSequenceNumber == 153 && first.referenceTime == 4_057_090 && first.feedbackPacketCount == 23)
        #expect(first.packets == [Result(sequenceNumber: 153, receiveDelta: 148)])
        let second = try TransportWideFeedback(parsing: Self.chromeSamples[1])
        #expect(second.packets.map(\.receiveDelta) == [76, 36, 36, 16, 12, 12, 16])
        #expect(second.packets.map(\.sequenceNumber) == Array(4...10))
        for sample in Self.chromeSamples {
            #expect(try TransportWideFeedback(parsing: sample).marshal() == sample)
        }
    }

    @Test("the draft's chunk examples: 221 lost in a run; reserved status 11 is rejected")
    func draftChunkExamples() throws {
        func feedback(count: UInt16, chunk: [UInt8]) -> [UInt8] {
            [0x8F, 0xCD, 0x00, 0x05, 0, 0, 0, 1, 0, 0, 0, 2, 0x00, 0x00, UInt8(count >> 8), UInt8(count & 0xFF),
             0, 0, 0, 0] + chunk + [0, 0]
        }
        // §3.1.3 example 1: run length chunk 0x00DD = not received × 221.
        let lost = try TransportWideFeedback(parsing: feedback(count: 221, chunk: [0x00, 0xDD]))
        #expect(lost.packets.count == 221 && lost.packets.allSatisfy { !$0.isReceived })
        // §3.1.3 example 2 uses status 11 (0x6018), which -01 reserves: rejected like libwebrtc.
        #expect(throws: RTCPError.badStatusChunk) { try TransportWideFeedback(parsing: feedback(count: 24, chunk: [0x60, 0x18])) }
        // §3.1.4 example 1: 1-bit vector 0x9F1C; its 8 received packets need 8 delta bytes.
        #expect(throws: RTCPError.truncated(needed: 26, have: 20)) {
            try TransportWideFeedback(parsing: feedback(count: 14, chunk: [0x9F, 0x1C]))
        }
    }

    @Test("a hostile status count cannot allocate more than the chunks describe")
    func hostileStatusCount() throws {
        // 65535 statuses announced, one chunk describing 14: the chunk walk runs out of bytes
        // before anything is allocated.
        let short: [UInt8] = [0x8F, 0xCD, 0x00, 0x05, 0, 0, 0, 1, 0, 0, 0, 2, 0x00, 0x00, 0xFF, 0xFF,
                              0, 0, 0, 0, 0x80, 0x00, 0x00, 0x00]
        #expect(throws: RTCPError.truncated(needed: 22, have: 20)) { try TransportWideFeedback(parsing: short) }
        // Eight run-length chunks of 8191 lost packets and one of 7 genuinely describe 65535 in
        // 18 bytes: that is legal, and re-encodes the same way (2 bytes of RTCP padding).
        var long: [UInt8] = [0xAF, 0xCD, 0x00, 0x09, 0, 0, 0, 1, 0, 0, 0, 2, 0x00, 0x00, 0xFF, 0xFF, 0, 0, 0, 0]
        for _ in 0..<8 { long += [0x1F, 0xFF] }
        long += [0x00, 0x07, 0x00, 0x02]
        let parsed = try TransportWideFeedback(parsing: long)
        #expect(parsed.packets.count == 65535)
        #expect(try parsed.marshal() == long)
    }

    @Test("status count 0 and a sequence gap are rejected")
    func malformed() {
        let zero: [UInt8] = [0x8F, 0xCD, 0x00, 0x04, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0]
        #expect(throws: RTCPError.badCount(0)) { try TransportWideFeedback(parsing: zero) }
        var gap = Self.twoBitValue
        gap.packets[2].sequenceNumber = 99
        #expect(throws: RTCPError.valueOutOfRange("sequence number 99 breaks the run from the base")) { try gap.marshal() }
    }

    @Test("building from arrival times rounds against the running total and recovers the times")
    func arrivalTimes() throws {
        let arrivals: [Duration?] = [.milliseconds(1000), nil, .microseconds(1_000_260), .microseconds(1_000_490),
                                     .milliseconds(999), .milliseconds(1100)]
        let feedback = try TransportWideFeedback(senderSSRC: 1, mediaSSRC: 2, baseSequenceNumber: 65535,
                                                 feedbackPacketCount: 9, arrivalTimes: arrivals)
        // 1000 ms = 15 × 64 ms + 40 ms: reference 15, first delta 160 ticks.
        #expect(feedback.referenceTime == 15)
        #expect(feedback.packets.map(\.receiveDelta) == [160, nil, 1, 1, -6, 404])
        #expect(feedback.packets.map(\.sequenceNumber) == [65535, 0, 1, 2, 3, 4])
        let recovered = try TransportWideFeedback(parsing: feedback.marshal()).arrivalTimes
        #expect(recovered == [.milliseconds(1000), nil, .microseconds(1_000_250), .microseconds(1_000_500),
                              .milliseconds(999), .milliseconds(1100)])
        #expect(throws: RTCPError.valueOutOfRange("receive delta beyond ±8.19 s; split the feedback")) {
            try TransportWideFeedback(senderSSRC: 1, mediaSSRC: 2, baseSequenceNumber: 0, feedbackPacketCount: 0,
                                      arrivalTimes: [.seconds(1), .seconds(10)])
        }
    }

    @Test("round trip of long mixed sequences (every chunk kind, many lengths)")
    func roundTrips() throws {
        var rng = SeededGenerator(seed: 7)
        for length in [1, 2, 6, 7, 8, 13, 14, 15, 100, 1000, 9000] {
            let packets = (0..<length).map { index -> Result in
                let roll = rng.next() % 10
                let delta: Int16? = roll < 3 ? nil : roll < 8 ? Int16(rng.next() % 256) : Int16(truncatingIfNeeded: rng.next())
                return Result(sequenceNumber: 40000 &+ UInt16(index), receiveDelta: delta)
            }
            let feedback = TransportWideFeedback(senderSSRC: 3, mediaSSRC: 4, baseSequenceNumber: 40000,
                                                 referenceTime: 0xFF_FFFF, feedbackPacketCount: 255, packets: packets)
            let bytes = try feedback.marshal()
            #expect(bytes.count == feedback.marshalSize && bytes.count % 4 == 0)
            #expect(try TransportWideFeedback(parsing: bytes) == feedback)
        }
    }
}

