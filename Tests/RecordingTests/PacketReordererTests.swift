import Testing
@testable import Recording

@Suite struct PacketReordererTests {
    private func numbers(_ packets: [PacketReorderer.Packet]) -> [Int64] { packets.map(\.sequenceNumber) }

    @Test func releasesSwappedPacketsInOrder() {
        var reorderer = PacketReorderer(capacity: 16, maxWaitMilliseconds: 100)
        var out: [PacketReorderer.Packet] = []
        for (i, sequenceNumber) in [UInt16(10), 12, 11, 13].enumerated() {
            reorderer.insert(sequenceNumber: sequenceNumber, bytes: [UInt8(sequenceNumber)], arrivalMilliseconds: Int64(i))
            while let packet = reorderer.pop(now: Int64(i)) { out.append(packet) }
        }
        #expect(numbers(out) == [10, 11, 12, 13])
        #expect(out.map(\.bytes) == [[10], [11], [12], [13]])
        #expect(out.allSatisfy { !$0.afterLoss })
    }

    @Test func unwrapsAcrossTheSixteenBitWrap() {
        var reorderer = PacketReorderer(capacity: 16, maxWaitMilliseconds: 100)
        var out: [PacketReorderer.Packet] = []
        for sequenceNumber in [UInt16(65_534), 0, 65_535, 1] {
            reorderer.insert(sequenceNumber: sequenceNumber, bytes: [], arrivalMilliseconds: 0)
            while let packet = reorderer.pop(now: 0) { out.append(packet) }
        }
        #expect(numbers(out) == [65_534, 65_535, 65_536, 65_537])
    }

    @Test func waitsForAGapThenSkipsItAndMarksTheLoss() {
        var reorderer = PacketReorderer(capacity: 16, maxWaitMilliseconds: 100)
        reorderer.insert(sequenceNumber: 1, bytes: [], arrivalMilliseconds: 0)
        #expect(reorderer.pop(now: 0)?.sequenceNumber == 1)
        reorderer.insert(sequenceNumber: 3, bytes: [], arrivalMilliseconds: 10)
        #expect(reorderer.pop(now: 50) == nil)
        let after = reorderer.pop(now: 110)
        #expect(after?.sequenceNumber == 3)
        #expect(after?.afterLoss == true)
        #expect(reorderer.counters.lost == 1)
    }

    @Test func dropsDuplicatesAndLatePackets() {
        var reorderer = PacketReorderer(capacity: 16, maxWaitMilliseconds: 100)
        reorderer.insert(sequenceNumber: 5, bytes: [], arrivalMilliseconds: 0)
        reorderer.insert(sequenceNumber: 7, bytes: [], arrivalMilliseconds: 0)
        reorderer.insert(sequenceNumber: 7, bytes: [], arrivalMilliseconds: 0)
        #expect(reorderer.pop(now: 0)?.sequenceNumber == 5)
        reorderer.insert(sequenceNumber: 4, bytes: [], arrivalMilliseconds: 0)
        #expect(reorderer.counters.duplicates == 1)
        #expect(reorderer.counters.late == 1)
    }

    @Test func aJumpBeyondTheWindowRestartsThere() {
        var reorderer = PacketReorderer(capacity: 16, maxWaitMilliseconds: 100)
        reorderer.insert(sequenceNumber: 1, bytes: [], arrivalMilliseconds: 0)
        _ = reorderer.pop(now: 0)
        reorderer.insert(sequenceNumber: 3, bytes: [], arrivalMilliseconds: 0)
        reorderer.insert(sequenceNumber: 1_000, bytes: [], arrivalMilliseconds: 0)
        let next = reorderer.pop(now: 0)
        #expect(next?.sequenceNumber == 1_000)
        #expect(next?.afterLoss == true)
    }

    @Test func aStreamStartingOverFarBehindRestartsThere() {
        var reorderer = PacketReorderer(capacity: 16, maxWaitMilliseconds: 100)
        for sequenceNumber in UInt16(30_000)..<30_010 {
            reorderer.insert(sequenceNumber: sequenceNumber, bytes: [], arrivalMilliseconds: 0)
            _ = reorderer.pop(now: 0)
        }
        reorderer.insert(sequenceNumber: 12_000, bytes: [], arrivalMilliseconds: 0)
        let first = reorderer.pop(now: 0)
        #expect(first?.afterLoss == true)
        reorderer.insert(sequenceNumber: 12_001, bytes: [], arrivalMilliseconds: 0)
        #expect(reorderer.pop(now: 0).map { $0.sequenceNumber - first!.sequenceNumber } == 1)
        // A packet a little behind the new start is late: dropped.
        reorderer.insert(sequenceNumber: 11_990, bytes: [], arrivalMilliseconds: 0)
        #expect(reorderer.pop(now: 0) == nil)
    }

    @Test func randomArrivalOrderWithinTheWindowComesOutSorted() {
        var generator = SplitMix(seed: 7)
        var reorderer = PacketReorderer(capacity: 64, maxWaitMilliseconds: 1_000)
        var order = Array(UInt16(0)..<UInt16(400))
        // Shuffle within blocks of 20 so every gap fits the window. The first packet fixes where
        // the stream starts (what came before it is late), so the first block stays in order.
        for block in stride(from: 20, to: order.count, by: 20) {
            order[block..<block + 20].shuffle(using: &generator)
        }
        var out: [Int64] = []
        for sequenceNumber in order {
            reorderer.insert(sequenceNumber: sequenceNumber &+ 65_000, bytes: [], arrivalMilliseconds: 0)
            while let packet = reorderer.pop(now: 0) { out.append(packet.sequenceNumber) }
        }
        out += reorderer.drain().map(\.sequenceNumber)
        #expect(out == (0..<400).map { Int64($0) + 65_000 })
        #expect(reorderer.counters == PacketReorderer.Counters())
    }

    /// The trap a server hit (an index below zero): the stream started at 0 and then started
    /// over from a number that unwraps far below it (a new subscription's random start), so the
    /// window restarted at -136, below every slot.
    @Test func aRestartBelowZeroFilesPacketsWithoutTrapping() {
        var reorderer = PacketReorderer(capacity: 16, maxWaitMilliseconds: 100)
        var out: [PacketReorderer.Packet] = []
        for sequenceNumber in [UInt16(0), 65_535, 65_400, 65_402, 65_401] {
            reorderer.insert(sequenceNumber: sequenceNumber, bytes: [], arrivalMilliseconds: 0)
            while let packet = reorderer.pop(now: 0) { out.append(packet) }
        }
        out += reorderer.drain()
        #expect(numbers(out) == [0, -136, -135, -134])
        #expect(out.map(\.afterLoss) == [false, true, false, false])
        #expect(reorderer.counters.late == 1)
    }

    /// Hostile order: any 16-bit numbers in any order, jumps both ways; nothing traps, and what
    /// comes out is in increasing order between restarts.
    @Test func anySequenceOfNumbersNeverTraps() {
        var random = SplitMix(seed: 7)
        for round in 0..<200 {
            var reorderer = PacketReorderer(capacity: [2, 3, 16, 128][round % 4], maxWaitMilliseconds: 50)
            var last: Int64?
            for i in 0..<500 {
                let wire = round % 2 == 0 ? UInt16.random(in: 0...UInt16.max, using: &random)
                    : UInt16(truncatingIfNeeded: i + Int.random(in: -40...40, using: &random))
                reorderer.insert(sequenceNumber: wire, bytes: [], arrivalMilliseconds: Int64(i))
                while let packet = reorderer.pop(now: Int64(i)) {
                    if let previous = last, !packet.afterLoss { #expect(packet.sequenceNumber == previous + 1) }
                    last = packet.sequenceNumber
                }
            }
            _ = reorderer.drain()
        }
    }
}

/// A small seeded generator (the tests must replay).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
