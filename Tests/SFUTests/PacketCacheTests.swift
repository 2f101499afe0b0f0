import SFU
import Testing
import TestSupport

@Suite("PacketCache and KeyframeCache")
struct PacketCacheTests {
    static func incoming(_ bytes: [UInt8], analyzer: inout PacketAnalyzer) throws -> IncomingPacket {
        try #require(try analyzer.analyze(bytes, at: .seconds(1)))
    }

    @Test("stores by unwrapped sequence number, answers only for the exact number, overwrites the oldest")
    func storeAndFetch() throws {
        let cache = PacketCache(capacity: 10, slotSize: 1500)
        #expect(cache.capacity == 16)
        let plan = MediaStreamPlan(packetsPerFrame: 1, initialSequenceNumber: 65_530)
        var analyzer = PacketAnalyzer(ssrc: 9, codec: .vp8)
        var stored: [Int64: [UInt8]] = [:]
        for index in 0..<40 {
            let bytes = try TestPackets.vp8(plan.packet(index), ssrc: 9, payloadSize: 50 + index)
            let packet = try Self.incoming(bytes, analyzer: &analyzer)
            bytes.withUnsafeBytes { #expect(cache.store(packet, bytes: $0)) }
            stored[packet.sequenceNumber] = bytes
        }
        let highest = try #require(cache.highestSequenceNumber)
        #expect(highest == 65_530 + 39)
        for sequenceNumber in highest - 15...highest {
            let hit = try #require(cache.packet(at: sequenceNumber))
            #expect(Array(hit.bytes) == stored[sequenceNumber])
            #expect(hit.packet.sequenceNumber == sequenceNumber)
        }
        #expect(cache.packet(at: highest - 16) == nil)  // overwritten
        #expect(cache.packet(at: highest + 1) == nil)   // never stored
        #expect(!cache.contains(highest - 16))
        // A late packet older than what its slot holds is refused; a too-large packet is not cached.
        let old = TestPackets.incoming(highest - 16, ts: 0)
        [UInt8](repeating: 0x80, count: 112).withUnsafeBytes { #expect(!cache.store(old, bytes: $0)) }
        let big = TestPackets.incoming(highest + 1, ts: 0)
        [UInt8](repeating: 0x80, count: 1501).withUnsafeBytes { #expect(!cache.store(big, bytes: $0)) }
        #expect(cache.oversized == 1)
        cache.removeAll()
        #expect(cache.packet(at: highest) == nil)
    }

    @Test("keyframe cache: collects a keyframe despite reordering, keeps it until the next one is complete")
    func keyframe() throws {
        let cache = KeyframeCache(packetCapacity: 8, slotSize: 1500)
        let plan = MediaStreamPlan(packetsPerFrame: 4, keyframeInterval: 3)
        var analyzer = PacketAnalyzer(ssrc: 9, codec: .vp8)
        let packets = try (0..<16).map { try TestPackets.vp8(plan.packet($0), ssrc: 9) }
        func offer(_ index: Int) throws {
            let packet = try Self.incoming(packets[index], analyzer: &analyzer)
            packets[index].withUnsafeBytes { cache.record(packet, bytes: $0) }
        }
        #expect(!cache.hasSeenKeyframe)
        try offer(0)
        try offer(2)
        try offer(3)  // marker, but packet 1 is missing: not complete
        #expect(cache.packetCount == 0)
        #expect(cache.hasSeenKeyframe)
        try offer(1)  // the late packet completes it
        #expect(cache.packetCount == 4)
        #expect(cache.firstSequenceNumber == 1000)
        #expect(cache.lastSequenceNumber == 1003)
        for index in 4..<14 { try offer(index) }  // frames 1, 2 (delta) and half of keyframe 3
        #expect(cache.firstSequenceNumber == 1000)  // the old one stays while the new one is incomplete
        for index in 14..<16 { try offer(index) }
        #expect(cache.firstSequenceNumber == 1012)
        var replayed: [[UInt8]] = []
        cache.forEachPacket { _, bytes in replayed.append(Array(bytes)) }
        #expect(replayed == Array(packets[12..<16]))
        #expect(cache.completedKeyframes == 2)
    }

    @Test("keyframe cache: a keyframe larger than a bank is abandoned, not truncated")
    func keyframeTooLarge() throws {
        let cache = KeyframeCache(packetCapacity: 3, slotSize: 1500)
        let plan = MediaStreamPlan(packetsPerFrame: 5)
        var analyzer = PacketAnalyzer(ssrc: 9, codec: .vp8)
        for index in 0..<5 {
            let bytes = try TestPackets.vp8(plan.packet(index), ssrc: 9)
            let packet = try Self.incoming(bytes, analyzer: &analyzer)
            bytes.withUnsafeBytes { cache.record(packet, bytes: $0) }
        }
        #expect(cache.packetCount == 0)
        #expect(cache.abandonedKeyframes == 1)
        #expect(cache.hasSeenKeyframe)
    }
}
