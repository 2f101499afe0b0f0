/// Holds datagrams until the time a `NetworkImpairment` gave them, then hands them out earliest
/// first (in arrival order among equal times). The bytes are copied into slots that are made
/// as the line first needs them and reused after, so a steady stream allocates nothing; at most
/// `maxPackets` are held, and a packet that finds the line full is refused (the caller counts it).
public struct DelayLine: Sendable {
    public let maxPackets: Int
    public let slotSize: Int
    private var storage: [UInt8] = []
    private var lengths: [Int] = []
    private var free: [Int] = []
    /// A binary min-heap of (release time, arrival number, slot).
    private var heap: [(at: Duration, order: UInt64, slot: Int)] = []
    private var arrivals: UInt64 = 0
    public private(set) var refused = 0

    public init(maxPackets: Int = 1024, slotSize: Int = 2048) {
        self.maxPackets = max(1, maxPackets)
        self.slotSize = max(1, slotSize)
    }

    public var count: Int { heap.count }
    public var isEmpty: Bool { heap.isEmpty }
    /// When the earliest packet is due; nil when none is held.
    public var nextRelease: Duration? { heap.first?.at }

    /// Keeps `bytes` until `at`; false (and counted) when the line is full or the datagram is
    /// larger than a slot.
    @discardableResult
    public mutating func push(_ bytes: UnsafeRawBufferPointer, releaseAt at: Duration) -> Bool {
        guard bytes.count <= slotSize, heap.count < maxPackets else {
            refused += 1
            return false
        }
        let slot: Int
        if let reused = free.popLast() {
            slot = reused
        } else {
            slot = lengths.count
            lengths.append(0)
            storage.append(contentsOf: repeatElement(0, count: slotSize))
        }
        storage.withUnsafeMutableBytes { raw in
            UnsafeMutableRawBufferPointer(rebasing: raw[(slot * slotSize)..<(slot * slotSize + bytes.count)]).copyMemory(from: bytes)
        }
        lengths[slot] = bytes.count
        heap.append((at, arrivals, slot))
        arrivals &+= 1
        siftUp(heap.count - 1)
        return true
    }

    /// The earliest packet due by `now`, copied into `buffer` (length returned), or nil.
    public mutating func pop(dueBy now: Duration, into buffer: inout [UInt8]) -> Int? {
        guard let top = heap.first, top.at <= now else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        let length = min(lengths[top.slot], buffer.count)
        let start = top.slot * slotSize
        buffer.withUnsafeMutableBytes { out in
            storage.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(rebasing: out[0..<length])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)]))
            }
        }
        free.append(top.slot)
        return length
    }

    private func before(_ a: Int, _ b: Int) -> Bool {
        heap[a].at < heap[b].at || (heap[a].at == heap[b].at && heap[a].order < heap[b].order)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard before(child, parent) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var smallest = before(left, parent) ? left : parent
            let right = left + 1
            if right < heap.count, before(right, smallest) { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
