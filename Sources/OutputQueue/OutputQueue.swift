// OutputQueue: the first-in, first-out list a sans-I/O core keeps between handling input and its
// owner's `pollOutput` drain (DESIGN.md: "drain its output until it gives the next deadline").
// Storage is kept across drains, so a core in steady state allocates nothing for its outputs.
// What it is not: thread-safe (each core lives on one loop) or bounded (cores bound themselves).

/// Outputs in the order they were queued; `next()` hands them out and resets the storage for
/// reuse once all were taken.
public struct OutputQueue<Element> {
    @usableFromInline var items: [Element] = []
    @usableFromInline var head = 0

    @inlinable
    public init(capacity: Int = 0) {
        items.reserveCapacity(capacity)
    }

    /// Outputs queued and not yet taken.
    @inlinable
    public var count: Int { items.count - head }

    @inlinable
    public var isEmpty: Bool { head == items.count }

    @inlinable
    public mutating func append(_ element: Element) {
        items.append(element)
    }

    /// The oldest output, or nil when all were taken.
    @inlinable
    public mutating func next() -> Element? {
        guard head < items.count else { return nil }
        let element = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        }
        return element
    }

    /// Forgets the oldest output (a bounded queue making room); the storage it held is given back
    /// in batches, so dropping one at a time stays O(1) on average.
    @inlinable
    public mutating func dropOldest() {
        guard head < items.count else { return }
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64, head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
    }
}

extension OutputQueue: Sendable where Element: Sendable {}
