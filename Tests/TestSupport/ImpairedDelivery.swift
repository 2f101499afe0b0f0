// Seeded network impairment for packet sequences: loss, reordering and duplication, applied in
// the order a receiver would see packets. Deterministic for a seed, so a failing case replays.

/// Seeded loss, reordering and duplication applied to a sequence of packets, in the order a
/// receiver would see them. Deterministic for a seed.
public struct ImpairedDelivery: Sendable {
    public var lossRate: Double
    public var reorderRate: Double
    public var duplicateRate: Double
    /// How many places a reordered packet moves back at most.
    public var maxDisplacement: Int
    private var rng: SeededGenerator
    public private(set) var lost: [Int] = []

    public init(lossRate: Double = 0, reorderRate: Double = 0, duplicateRate: Double = 0, maxDisplacement: Int = 3,
                seed: UInt64 = 0xDE11) {
        self.lossRate = lossRate
        self.reorderRate = reorderRate
        self.duplicateRate = duplicateRate
        self.maxDisplacement = max(maxDisplacement, 1)
        self.rng = SeededGenerator(seed: seed)
    }

    private mutating func chance(_ rate: Double) -> Bool {
        rate > 0 && Double(rng.next() >> 11) / Double(1 << 53) < rate
    }

    /// The delivered order of `items` (indices of lost ones are appended to `lost`).
    public mutating func deliver<T>(_ items: [T]) -> [T] {
        var out: [T] = []
        out.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            if chance(lossRate) {
                lost.append(index)
                continue
            }
            if chance(reorderRate), !out.isEmpty {
                let back = 1 + Int(rng.next() % UInt64(maxDisplacement))
                out.insert(item, at: max(0, out.count - back))
            } else {
                out.append(item)
            }
            if chance(duplicateRate) { out.append(item) }
        }
        return out
    }
}
