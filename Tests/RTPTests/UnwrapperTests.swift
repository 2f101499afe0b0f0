import Testing
@testable import RTP

@Suite("Sequence number and timestamp unwrapping")
struct UnwrapperTests {
    /// Each row: a stream of 16-bit values and the 64-bit values expected for them.
    static let sequenceTables: [(input: [UInt16], expected: [Int64])] = [
        // In order, no wrap.
        ([1, 2, 3], [1, 2, 3]),
        // Forward wrap: 65535 → 0 continues upward.
        ([65534, 65535, 0, 1], [65534, 65535, 65536, 65537]),
        // Reordered across the wrap: 65535 arrives after 0 and stays behind it.
        ([65534, 0, 65535, 1], [65534, 65536, 65535, 65537]),
        // A packet from before the first one seen maps below it, negative when needed.
        ([2, 65534, 3], [2, -2, 3]),
        // Two full wraps, in steps under half the range.
        ([0, 30000, 60000, 24464, 54464, 18928], [0, 30000, 60000, 90000, 120000, 150000]),
        // A jump of exactly half the range counts as older (libwebrtc's tie rule).
        ([40000, 7232], [40000, 7232]),
        // A jump of half the range minus one counts as newer.
        ([40000, 7231], [40000, 72767]),
        // Duplicates map to the same value.
        ([10, 10, 11, 10], [10, 10, 11, 10]),
    ]

    @Test("sequence numbers unwrap across wraps and reordering", arguments: sequenceTables.indices)
    func sequenceNumbers(row: Int) {
        let (input, expected) = Self.sequenceTables[row]
        var unwrapper = SequenceNumberUnwrapper()
        #expect(input.map { unwrapper.unwrap($0) } == expected)
        // Truncating the extended value gives back the wire value.
        #expect(expected.map { UInt16(truncatingIfNeeded: $0) } == input)
    }

    @Test("highest tracks the newest value only; peek does not move it")
    func highestAndPeek() {
        var unwrapper = SequenceNumberUnwrapper()
        #expect(unwrapper.highest == nil)
        _ = unwrapper.unwrap(65535)
        _ = unwrapper.unwrap(2)
        _ = unwrapper.unwrap(1)
        #expect(unwrapper.highest == 65538)
        #expect(unwrapper.peek(5) == 65541)
        #expect(unwrapper.highest == 65538)
    }

    static let timestampTables: [(input: [UInt32], expected: [Int64])] = [
        ([0, 3000, 6000], [0, 3000, 6000]),
        // 90 kHz video wrapping: 0xFFFF_F000 + 3000 ticks crosses 2^32.
        ([0xFFFF_F000, 0x0000_03B8, 0xFFFF_F800], [0xFFFF_F000, 0x1_0000_03B8, 0xFFFF_F800]),
        // Reordered frame from before the first one seen.
        ([1000, 0xFFFF_FC18, 2000], [1000, -1000, 2000]),
        // Half-range boundary.
        ([0x8000_0000, 0], [0x8000_0000, 0]),
        ([0x8000_0001, 0], [0x8000_0001, 0x1_0000_0000]),  // half minus one: newer
    ]

    @Test("timestamps unwrap across wraps and reordering", arguments: timestampTables.indices)
    func timestamps(row: Int) {
        let (input, expected) = Self.timestampTables[row]
        var unwrapper = TimestampUnwrapper()
        #expect(input.map { unwrapper.unwrap($0) } == expected)
        #expect(expected.map { UInt32(truncatingIfNeeded: $0) } == input)
    }

    @Test("a long monotonic stream stays monotonic through 10 wraps")
    func longStream() {
        var unwrapper = SequenceNumberUnwrapper()
        var previous: Int64 = -1
        var wire: UInt16 = 60000
        for _ in 0..<(10 * 65536 / 997) {
            let extended = unwrapper.unwrap(wire)
            #expect(extended == previous + 997 || previous == -1)
            previous = extended
            wire &+= 997
        }
        #expect(previous > 10 * 65536 - 997)
    }
}
