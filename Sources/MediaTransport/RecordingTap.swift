import SFU
import Synchronization

/// Where the media loop leaves copies of the packets a recording subscribes to, for the
/// recorder's thread to take: a single-producer, single-consumer ring of preallocated slots.
///
/// The loop's side (`push`) copies the forwarded packet into a slot and applies the forwarder's
/// rewrite there, with no allocation, no lock and no wait: when the ring is full (the writer
/// fell behind, the disk stalls) the packet is dropped and counted, and the recording shows a
/// loss the assembler handles like any other. Only the indices are shared, as atomics.
final class RecordingTap: @unchecked Sendable {
    let slotCount: Int
    let slotSize: Int
    private let storage: UnsafeMutableRawBufferPointer
    private let lengths: UnsafeMutablePointer<Int>
    private let arrivals: UnsafeMutablePointer<Int64>
    /// Slots written (producer) and read (consumer); both only grow.
    private let written = Atomic<Int>(0)
    private let read = Atomic<Int>(0)
    private let droppedCount = Atomic<Int>(0)

    init(slotCount: Int = 4096, slotSize: Int = 1600) {
        self.slotCount = max(2, slotCount)
        self.slotSize = slotSize
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: self.slotCount * slotSize, alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        lengths = .allocate(capacity: self.slotCount)
        lengths.initialize(repeating: 0, count: self.slotCount)
        arrivals = .allocate(capacity: self.slotCount)
        arrivals.initialize(repeating: 0, count: self.slotCount)
    }

    deinit {
        storage.deallocate()
        lengths.deallocate()
        arrivals.deallocate()
    }

    var dropped: Int { droppedCount.load(ordering: .relaxed) }

    /// The loop's side: copies `source` and applies `rewrite`. False when the packet was dropped.
    @discardableResult
    func push(_ source: UnsafeRawBufferPointer, rewrite: RTPRewrite, arrivalMilliseconds: Int64) -> Bool {
        let head = written.load(ordering: .relaxed)
        guard head - read.load(ordering: .acquiring) < slotCount, source.count + rewrite.growth <= slotSize else {
            droppedCount.add(1, ordering: .relaxed)
            return false
        }
        let index = head % slotCount
        let slot = UnsafeMutableRawBufferPointer(rebasing: storage[index * slotSize..<(index + 1) * slotSize])
        slot.copyMemory(from: source)
        guard let length = try? rewrite.apply(to: slot, length: source.count) else {
            droppedCount.add(1, ordering: .relaxed)
            return false
        }
        lengths[index] = length
        arrivals[index] = arrivalMilliseconds
        written.store(head + 1, ordering: .releasing)
        return true
    }

    /// The recorder's side: hands each waiting packet to `body` (valid during the call), oldest
    /// first; returns how many there were.
    @discardableResult
    func drain(_ body: (UnsafeRawBufferPointer, Int64) -> Void) -> Int {
        let tail = read.load(ordering: .relaxed)
        let head = written.load(ordering: .acquiring)
        guard head > tail else { return 0 }
        for position in tail..<head {
            let index = position % slotCount
            let start = index * slotSize
            body(UnsafeRawBufferPointer(rebasing: storage[start..<start + lengths[index]]), arrivals[index])
        }
        read.store(head, ordering: .releasing)
        return head - tail
    }
}
