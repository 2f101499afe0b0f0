import Congestion
import RTP
import Testing
import TestSupport

@Suite("TransportFeedbackBuilder: arrivals in, RTPFB 15 out, every interval")
struct TransportFeedbackBuilderTests {
    static func drain(_ builder: inout TransportFeedbackBuilder, at now: Duration) -> [TransportWideFeedback] {
        var out: [TransportWideFeedback] = []
        while let feedback = builder.poll(at: now, senderSSRC: 1, mediaSSRC: 2) { out.append(feedback) }
        return out
    }

    /// The wire round trip: what a sender's parser reads back from our bytes.
    static func reparsed(_ feedback: TransportWideFeedback) throws -> TransportWideFeedback {
        var bytes = [UInt8](repeating: 0, count: feedback.marshalSize)
        let length = try bytes.withUnsafeMutableBytes { try feedback.marshal(into: $0) }
        return try TransportWideFeedback(parsing: Array(bytes[0..<length]))
    }

    @Test("arrivals become one feedback with exact 250 µs deltas; nothing is due until a packet arrives")
    func basic() throws {
        var clock = VirtualClock()
        var builder = TransportFeedbackBuilder()
        #expect(builder.nextDeadline == nil)
        let start = clock.now
        for (i, seq) in [UInt16(100), 101, 102].enumerated() {
            builder.packetArrived(seq, at: start + .microseconds(1_000 * i))
        }
        clock.advance(by: .milliseconds(5))
        let sent = Self.drain(&builder, at: clock.now)
        #expect(sent.count == 1)
        let feedback = try Self.reparsed(try #require(sent.first))
        #expect(feedback.baseSequenceNumber == 100 && feedback.packets.count == 3)
        #expect(feedback.packets.map(\.isReceived) == [true, true, true])
        #expect(feedback.packets.dropFirst().map(\.receiveDelta) == [4, 4])  // 1 ms = 4 ticks
        let times = feedback.arrivalTimes.compactMap { $0 }
        #expect(times[2] - times[0] == .milliseconds(2))
        #expect(builder.nextDeadline == nil)
        #expect(feedback.senderSSRC == 1 && feedback.mediaSSRC == 2)
    }

    @Test("feedback goes out every interval while packets arrive, numbered in order")
    func cadence() {
        var clock = VirtualClock()
        var builder = TransportFeedbackBuilder(configuration: .init(interval: .milliseconds(50)))
        var seq: UInt16 = 0
        var counts: [UInt8] = []
        var sentAt: [Duration] = []
        for _ in 0..<100 {  // 1 s of a packet every 10 ms
            builder.packetArrived(seq, at: clock.now)
            seq &+= 1
            if let deadline = builder.nextDeadline, deadline <= clock.now {
                for feedback in Self.drain(&builder, at: clock.now) {
                    counts.append(feedback.feedbackPacketCount)
                    sentAt.append(clock.now)
                }
            }
            clock.advance(by: .milliseconds(10))
        }
        #expect(counts == (0..<UInt8(counts.count)).map { $0 })
        #expect((19...21).contains(counts.count), "\(counts.count) feedback packets in 1 s")
        let gaps = zip(sentAt.dropFirst(), sentAt).map { $0 - $1 }
        #expect(gaps.allSatisfy { $0 >= .milliseconds(50) && $0 <= .milliseconds(60) })
    }

    @Test("lost numbers are reported lost; a late arrival is reported again with its time")
    func lossAndLateArrival() throws {
        var clock = VirtualClock()
        var builder = TransportFeedbackBuilder()
        builder.packetArrived(10, at: clock.now)
        builder.packetArrived(13, at: clock.now + .milliseconds(3))
        clock.advance(by: .milliseconds(10))
        let first = try #require(Self.drain(&builder, at: clock.now).first)
        #expect(first.packets.map(\.isReceived) == [true, false, false, true])
        // 11 arrives late: the next feedback starts at it again.
        builder.packetArrived(11, at: clock.now)
        builder.packetArrived(14, at: clock.now + .milliseconds(1))
        clock.advance(by: .milliseconds(60))
        let second = try #require(Self.drain(&builder, at: clock.now).first)
        #expect(second.baseSequenceNumber == 11)
        #expect(second.packets.map(\.isReceived) == [true, false, true, true])
        #expect(builder.counters.reportedLost == 3)
    }

    @Test("sequence numbers across the 16-bit wrap stay one run")
    func wrap() throws {
        var clock = VirtualClock()
        var builder = TransportFeedbackBuilder()
        for seq: UInt16 in [65_534, 65_535, 0, 1] {
            builder.packetArrived(seq, at: clock.now)
            clock.advance(by: .milliseconds(1))
        }
        let feedback = try #require(Self.drain(&builder, at: clock.now).first)
        #expect(feedback.baseSequenceNumber == 65_534)
        #expect(feedback.packets.map(\.sequenceNumber) == [65_534, 65_535, 0, 1])
        #expect(feedback.packets.allSatisfy { $0.isReceived })
    }

    @Test("a long window is split into packets of at most the configured statuses, sent at once")
    func split() throws {
        let clock = VirtualClock()
        var builder = TransportFeedbackBuilder(configuration: .init(maxStatusesPerPacket: 100))
        for seq in 0..<250 { builder.packetArrived(UInt16(seq), at: clock.now + .microseconds(100 * seq)) }
        let sent = Self.drain(&builder, at: clock.now + .milliseconds(30))
        #expect(sent.map(\.packets.count) == [100, 100, 50])
        #expect(sent.map(\.baseSequenceNumber) == [0, 100, 200])
        for feedback in sent { #expect(try Self.reparsed(feedback).packets.count == feedback.packets.count) }
    }

    @Test("duplicates, far jumps and stale numbers are counted, not reported as thousands of losses")
    func hostileSequences() throws {
        var clock = VirtualClock()
        var builder = TransportFeedbackBuilder()
        builder.packetArrived(5, at: clock.now)
        builder.packetArrived(5, at: clock.now)
        builder.packetArrived(30_000, at: clock.now)  // a jump: restart, not 29,995 losses
        clock.advance(by: .milliseconds(60))
        let sent = Self.drain(&builder, at: clock.now)
        #expect(builder.counters.duplicates == 1 && builder.counters.restarts == 1)
        #expect(sent.reduce(0) { $0 + $1.packets.count } == 1)
    }

    @Test("100,000 random arrivals (any number, any order, repeats) never trap; every feedback round-trips")
    func randomArrivals() throws {
        var random = SeededGenerator(seed: 0xFEED)
        var clock = VirtualClock()
        var builder = TransportFeedbackBuilder(configuration: .init(maxStatusesPerPacket: 300, capacity: 512))
        var sequence: UInt16 = 0
        var produced = 0
        for _ in 0..<100_000 {
            switch random.next() % 8 {
            case 0: sequence = UInt16.random(in: 0...UInt16.max, using: &random)
            case 1: sequence &-= UInt16.random(in: 0...600, using: &random)
            default: sequence &+= UInt16.random(in: 1...3, using: &random)
            }
            builder.packetArrived(sequence, at: clock.now)
            clock.advance(by: .microseconds(Int64.random(in: 0...3_000, using: &random)))
            for feedback in Self.drain(&builder, at: clock.now) {
                produced += 1
                #expect(feedback.packets.count <= 300)
                #expect(feedback.packets.contains { $0.isReceived })
                if produced % 97 == 0 { _ = try Self.reparsed(feedback) }
            }
        }
        #expect(produced > 1_000)
    }
}
