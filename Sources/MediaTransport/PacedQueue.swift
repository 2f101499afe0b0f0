import SFU

/// Forwarded packets held back by their viewer's pacer, until its budget allows them: the source
/// bytes (in a fixed slot each) and the forwarder's rewrite. Nothing is translated, stamped or
/// protected until release, so the transport-wide send time a viewer's feedback is measured
/// against is when the packet really left, not when it was queued.
///
/// A fixed ring: no allocation after init. When it is full the caller sends at once (pacing is
/// a courtesy to the path, never a reason to drop). Entries of one viewer are released in the
/// order they came; a viewer held back never holds back another.
struct PacedQueue {
    struct Entry {
        var participant: ParticipantID
        var rewrite: RTPRewrite
        var length: Int
        var ingressNanoseconds: UInt64
        var isDone: Bool
    }

    let slotSize: Int
    let capacity: Int
    private let storage: UnsafeMutableRawBufferPointer
    private var entries: [Entry?]
    private var head = 0
    /// Slots from `head` in use (released ones included until `head` passes them).
    private(set) var span = 0
    /// Entries waiting.
    private(set) var waiting = 0

    init(slots: Int, slotSize: Int) {
        capacity = max(1, slots)
        self.slotSize = slotSize
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity * slotSize, alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        entries = Array(repeating: nil, count: capacity)
    }

    func deallocate() { storage.deallocate() }

    var isEmpty: Bool { waiting == 0 }

    /// Holds a packet back; false when the ring is full or the packet is larger than a slot.
    mutating func enqueue(_ source: UnsafeRawBufferPointer, to participant: ParticipantID, rewrite: RTPRewrite,
                          ingressNanoseconds: UInt64) -> Bool {
        guard span < capacity, source.count <= slotSize, let from = source.baseAddress,
              let base = storage.baseAddress else { return false }
        let index = (head + span) % capacity
        (base + index * slotSize).copyMemory(from: from, byteCount: source.count)
        entries[index] = Entry(participant: participant, rewrite: rewrite, length: source.count,
                               ingressNanoseconds: ingressNanoseconds, isDone: false)
        span += 1
        waiting += 1
        return true
    }

    /// Offers every waiting entry, oldest first, to `release` (which says whether it went, or
    /// that its viewer is gone); a viewer whose entry stays is skipped for the rest of the pass
    /// by the caller's budget, so its order holds.
    mutating func release(_ body: (Entry, UnsafeRawBufferPointer) -> Bool) {
        guard let base = storage.baseAddress else { return }
        for offset in 0..<span {
            let index = (head + offset) % capacity
            guard let entry = entries[index], !entry.isDone else { continue }
            let bytes = UnsafeRawBufferPointer(start: base + index * slotSize, count: entry.length)
            if body(entry, bytes) {
                entries[index]?.isDone = true
                waiting -= 1
            }
        }
        while span > 0, entries[head]?.isDone ?? true {
            entries[head] = nil
            head = (head + 1) % capacity
            span -= 1
        }
    }
}
