/// The recent packets of one published track, kept to answer viewers' NACKs and to replay the
/// frames after a cached keyframe to a new viewer.
///
/// One block of `capacity × slotSize` bytes is allocated at init (capacity rounded up to a power
/// of two); a packet goes to the slot its track-space sequence number's low bits select, with its
/// `IncomingPacket` analysis beside it, overwriting the oldest. A slot answers only for the exact
/// sequence number it holds, so an overwritten or never-filled slot is a miss, never a wrong
/// packet. A late packet is stored only if it is newer than what its slot holds. Packets larger
/// than a slot are not cached (counted). Nothing is allocated after init.
///
/// Bytes are copied in (DESIGN: a slice of a vector-read buffer would pin the whole buffer).
/// Bytes returned by `packet(at:)` are valid until the next `store` or `removeAll`.
public final class PacketCache {
    public let capacity: Int
    public let slotSize: Int
    private let storage: UnsafeMutableRawBufferPointer
    private var metadata: [IncomingPacket?]
    private let mask: Int
    /// Packets not cached because they were larger than a slot.
    public private(set) var oversized = 0
    /// The highest sequence number stored so far.
    public private(set) var highestSequenceNumber: Int64?

    public init(capacity: Int = 512, slotSize: Int = 1500) {
        self.capacity = powerOfTwo(atLeast: capacity)
        self.slotSize = max(slotSize, 12)
        mask = self.capacity - 1
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: self.capacity * self.slotSize, alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        metadata = Array(repeating: nil, count: self.capacity)
    }

    deinit { storage.deallocate() }

    @inline(__always)
    private func slot(for sequenceNumber: Int64) -> Int { Int(truncatingIfNeeded: sequenceNumber) & mask }

    /// Copies `bytes` (the packet `packet` describes) into its slot; returns false when not stored
    /// (too large, or older than what the slot holds).
    @discardableResult
    public func store(_ packet: IncomingPacket, bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count <= slotSize else {
            oversized += 1
            return false
        }
        let index = slot(for: packet.sequenceNumber)
        if let existing = metadata[index], existing.sequenceNumber > packet.sequenceNumber { return false }
        let target = UnsafeMutableRawBufferPointer(rebasing: storage[index * slotSize..<index * slotSize + bytes.count])
        target.copyMemory(from: bytes)
        var stored = packet
        stored.size = bytes.count
        metadata[index] = stored
        if packet.sequenceNumber > highestSequenceNumber ?? .min { highestSequenceNumber = packet.sequenceNumber }
        return true
    }

    /// Whether the packet with `sequenceNumber` is cached.
    public func contains(_ sequenceNumber: Int64) -> Bool {
        metadata[slot(for: sequenceNumber)]?.sequenceNumber == sequenceNumber
    }

    /// The cached packet with `sequenceNumber` and its bytes, or nil.
    public func packet(at sequenceNumber: Int64) -> (packet: IncomingPacket, bytes: UnsafeRawBufferPointer)? {
        let index = slot(for: sequenceNumber)
        guard let packet = metadata[index], packet.sequenceNumber == sequenceNumber else { return nil }
        let start = index * slotSize
        return (packet, UnsafeRawBufferPointer(rebasing: storage[start..<start + packet.size]))
    }

    /// Forgets every packet (a new source epoch: its sequence numbers start elsewhere anyway,
    /// but nothing of the old source should be replayed).
    public func removeAll() {
        for index in metadata.indices { metadata[index] = nil }
        highestSequenceNumber = nil
    }
}
