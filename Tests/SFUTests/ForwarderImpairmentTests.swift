import RTP
import SFU
import Testing
import TestSupport

/// Property checks over seeded loss, reordering, duplication and padding: whatever arrives, the
/// viewer's numbering is one order-preserving, duplicate-free map whose only holes are real losses.
@Suite("Forwarder under impaired delivery")
struct ForwarderImpairmentTests {
    @Test("loss, reordering, duplicates and padding: order-preserving, no duplicates, holes only where packets were lost",
          arguments: [UInt64(1), 2, 3, 4])
    func impaired(seed: UInt64) throws {
        let plan = MediaStreamPlan.audio(initialSequenceNumber: 65_000)
        let count = 3000
        // Every 7th packet is padding only (what a sender pads with when probing).
        func bytes(_ index: Int) throws -> [UInt8] {
            let planned = plan.packet(index)
            return index % 7 == 3
                ? try TestPackets.padding(sequenceNumber: planned.sequenceNumber, timestamp: planned.timestamp, ssrc: 5,
                                          payloadType: TestPackets.opusPayloadType)
                : try TestPackets.opus(planned, ssrc: 5)
        }
        var delivery = ImpairedDelivery(lossRate: 0.03, reorderRate: 0.1, duplicateRate: 0.05, maxDisplacement: 4, seed: seed)
        let order = [0] + delivery.deliver(Array(1..<count))
        var analyzer = PacketAnalyzer(ssrc: 5, codec: .opus)
        var forwarder = Forwarder(configuration: .init(kind: .audio, codec: .opus, clockRate: 48_000, ssrc: 6,
                                                       payloadType: 111, initialSequenceNumber: 100))
        var outputBySource: [Int: Int64] = [:]
        var outputs = Set<UInt16>()
        var duplicatesForwarded = 0
        for index in order {
            let packet = try #require(try analyzer.analyze(try bytes(index), at: plan.packet(index).sendTime))
            guard let rewrite = forwarder.translate(packet, at: packet.arrival).rewrite else { continue }
            if outputBySource[index] != nil { duplicatesForwarded += 1 }
            outputBySource[index] = Int64(rewrite.sequenceNumber)
            outputs.insert(rewrite.sequenceNumber)
            #expect(rewrite.timestamp == plan.packet(index).timestamp &- plan.packet(0).timestamp)
        }
        #expect(duplicatesForwarded == 0)
        #expect(outputs.count == outputBySource.count)
        // Unwrap the outputs (they start at 100 and stay below 65536 + 100 for 3000 packets).
        let mapped = outputBySource.sorted { $0.key < $1.key }.map { (source: $0.key, output: $0.value - 100) }
        #expect(zip(mapped, mapped.dropFirst()).allSatisfy { $0.output < $1.output })
        let highestSource = try #require(mapped.last?.source)
        let span = try #require(mapped.last?.output) + 1
        let lostBelow = delivery.lost.map { $0 + 1 }.filter { $0 < highestSource }.count
        // Every output number is a forwarded packet or a real loss; dropped padding left no hole.
        #expect(Int(span) == mapped.count + lostBelow)
        #expect(forwarder.counters.dropped(.paddingOnly) > 0)
        #expect(forwarder.counters.dropped(.duplicate) > 0)
    }
}
