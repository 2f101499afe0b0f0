// Hostile inputs for parsers: what a peer on the internet can send us. Every parser's suite feeds
// these and pins that each one ends in a typed error or a valid parse, never a trap.

/// How one hostile case was made; tests report it with the seed when a case misbehaves.
public enum HostileKind: String, Sendable, CaseIterable {
    case randomBytes, truncated, bitFlipped, byteReplaced, inflatedLength, oversized, spliced, empty
}

public struct HostileCase: Sendable {
    public let kind: HostileKind
    public let index: Int
    public let bytes: [UInt8]
}

/// A bounded, seeded stream of hostile variants of valid `seeds` (real packets of the format under
/// test), mixed with pure noise. Lengths stay under `maxLength`, so no case asks for unbounded memory.
public struct HostileInput: Sequence, IteratorProtocol, Sendable {
    private let seeds: [[UInt8]]
    private let count: Int
    private let maxLength: Int
    private var rng: SeededGenerator
    private var produced = 0

    public init(seeds: [[UInt8]], count: Int = 100_000, seed: UInt64 = 0xC0B1, maxLength: Int = 70_000) {
        precondition(!seeds.isEmpty, "hostile input needs at least one valid sample to mutate")
        self.seeds = seeds
        self.count = count
        self.maxLength = maxLength
        self.rng = SeededGenerator(seed: seed)
    }

    public mutating func next() -> HostileCase? {
        guard produced < count else { return nil }
        defer { produced += 1 }
        let base = seeds[Int(rng.next() % UInt64(seeds.count))]
        let kind = HostileKind.allCases[Int(rng.next() % UInt64(HostileKind.allCases.count))]
        return HostileCase(kind: kind, index: produced, bytes: make(kind, from: base))
    }

    private mutating func make(_ kind: HostileKind, from base: [UInt8]) -> [UInt8] {
        switch kind {
        case .empty:
            return []
        case .randomBytes:
            return rng.bytes(count: Int(rng.next() % 1500))
        case .truncated:
            return Array(base.prefix(Int(rng.next() % UInt64(Swift.max(base.count, 1)))))
        case .bitFlipped:
            var out = base
            for _ in 0..<(1 + rng.next() % 4) where !out.isEmpty {
                let i = Int(rng.next() % UInt64(out.count))
                out[i] ^= UInt8(1) << (rng.next() % 8)
            }
            return out
        case .byteReplaced:
            var out = base
            for _ in 0..<(1 + rng.next() % 8) where !out.isEmpty {
                out[Int(rng.next() % UInt64(out.count))] = UInt8(truncatingIfNeeded: rng.next())
            }
            return out
        case .inflatedLength:
            // Length fields are where parsers over-read: write 0xFF.. or large values at a random
            // 16-bit aligned spot near the front, where headers keep their lengths.
            var out = base
            guard out.count >= 2 else { return out }
            let i = Int(rng.next() % UInt64(Swift.min(out.count - 1, 64)))
            let value: UInt16 = rng.next() % 2 == 0 ? 0xFFFF : UInt16(truncatingIfNeeded: rng.next())
            out[i] = UInt8(value >> 8)
            out[i + 1] = UInt8(value & 0xFF)
            return out
        case .oversized:
            let extra = Int(rng.next() % UInt64(Swift.max(maxLength - base.count, 1)))
            return base + rng.bytes(count: extra)
        case .spliced:
            let other = seeds[Int(rng.next() % UInt64(seeds.count))]
            let cut = Int(rng.next() % UInt64(base.count + 1))
            let from = Int(rng.next() % UInt64(other.count + 1))
            return Array(base.prefix(cut) + other.suffix(from: from)).prefix(maxLength).map { $0 }
        }
    }
}
