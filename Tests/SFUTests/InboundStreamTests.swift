import SFU
import Testing

@Suite("InboundStream: unwrap on arrival, epochs")
struct InboundStreamTests {
    @Test("sequence numbers and timestamps unwrap through their wraps; the wire values survive truncation")
    func unwrap() throws {
        var stream = InboundStream(ssrc: 1)
        var sequenceNumber: UInt16 = 65_530
        var timestamp: UInt32 = 4_294_967_000
        var previous: InboundStream.Arrival?
        for _ in 0..<20 {
            let accepted = stream.accept(sequenceNumber: sequenceNumber, timestamp: timestamp)
            let arrival = try #require(accepted)
            #expect(UInt16(truncatingIfNeeded: arrival.sequenceNumber) == sequenceNumber)
            #expect(UInt32(truncatingIfNeeded: arrival.timestamp) == timestamp)
            if let previous {
                #expect(arrival.sequenceNumber == previous.sequenceNumber + 1)
                #expect(arrival.timestamp == previous.timestamp + 960)
            }
            previous = arrival
            sequenceNumber &+= 1
            timestamp &+= 960
        }
        #expect(stream.highestSequenceNumber == 65_549)
    }

    @Test("a lone wild jump is rejected; a jump the next packet confirms starts a new epoch above the old one")
    func jumps() throws {
        var stream = InboundStream(ssrc: 1)
        for sequenceNumber in UInt16(100)..<110 { _ = stream.accept(sequenceNumber: sequenceNumber, timestamp: 0) }
        let corrupt = stream.accept(sequenceNumber: 40_000, timestamp: 0)
        #expect(corrupt == nil)
        let accepted = stream.accept(sequenceNumber: 110, timestamp: 0)
        let next = try #require(accepted)
        #expect(next.sequenceNumber == 110)
        #expect(!next.startsEpoch)
        // A source restart: 20000, then 20001 confirms it.
        let suspect = stream.accept(sequenceNumber: 20_000, timestamp: 5)
        #expect(suspect == nil)
        let confirmed = stream.accept(sequenceNumber: 20_001, timestamp: 6)
        let restarted = try #require(confirmed)
        #expect(restarted.startsEpoch)
        #expect(restarted.epoch == 1)
        #expect(restarted.sequenceNumber > 110 + 65_536)
        #expect(UInt16(truncatingIfNeeded: restarted.sequenceNumber) == 20_001)
        #expect(stream.rejectedJumps == 2)
        // Late packets within the misorder window are accepted and land below the highest.
        let reordered = stream.accept(sequenceNumber: 19_990, timestamp: 0)
        let late = try #require(reordered)
        #expect(late.sequenceNumber == restarted.sequenceNumber - 11)
    }

    @Test("rebinding to a new SSRC starts a new epoch at the next packet, whatever its number")
    func rebind() throws {
        var stream = InboundStream(ssrc: 1)
        let one = stream.accept(sequenceNumber: 65_000, timestamp: 0)
        let first = try #require(one)
        #expect(first.startsEpoch)
        #expect(first.epoch == 0)
        stream.rebind(ssrc: 2)
        let two = stream.accept(sequenceNumber: 65_001, timestamp: 77)
        let second = try #require(two)
        #expect(second.startsEpoch)
        #expect(second.epoch == 1)
        #expect(second.sequenceNumber % 65_536 == 65_001)
        #expect(second.sequenceNumber > first.sequenceNumber + 1000)
        #expect(stream.ssrc == 2)
    }

    @Test("timestamps walked forward by 2^31 − 1 per packet stay bounded and keep their wire values, through a forwarder")
    func timestampWalk() throws {
        var stream = InboundStream(ssrc: 1)
        var forwarder = Forwarder(configuration: .init(kind: .audio, codec: .opus, clockRate: 48_000, ssrc: 2, payloadType: 111))
        var timestamp: UInt32 = 0
        var previousOutput: UInt32?
        for index in 0..<140_000 {
            let accepted = stream.accept(sequenceNumber: UInt16(truncatingIfNeeded: index), timestamp: timestamp)
            let arrival = try #require(accepted)
            guard arrival.timestamp.magnitude <= 1 << 48, UInt32(truncatingIfNeeded: arrival.timestamp) == timestamp else {
                Issue.record("timestamp \(arrival.timestamp) at packet \(index)")
                return
            }
            var packet = TestPackets.incoming(arrival.sequenceNumber, ts: arrival.timestamp, at: Int64(index))
            packet.epoch = arrival.epoch
            let output = forwarder.translate(packet, at: .zero).rewrite?.timestamp
            // The output keeps the input's spacing modulo 2^32.
            if let previousOutput, let output, output &- previousOutput != 0x7FFF_FFFF {
                Issue.record("output spacing broke at packet \(index)")
                return
            }
            previousOutput = output
            timestamp &+= 0x7FFF_FFFF
        }
    }
}
