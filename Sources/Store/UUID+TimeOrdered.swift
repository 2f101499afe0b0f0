import Foundation
import Synchronization

extension UUID {
    /// The last RFC 9562 version 7 id handed out: its millisecond and its 12-bit sequence.
    private static let lastTimeOrdered = Mutex<(ms: Int64, sequence: UInt16)>((0, 0))

    /// A version 7 UUID (RFC 9562 §5.7): 48 bits of Unix milliseconds, then a 12-bit sequence,
    /// then 62 random bits. Ids made by this process sort in the order they were made (a clock
    /// that steps back reuses the last millisecond; a full sequence borrows the next one).
    ///
    /// Why: the ledger's and the gifts' ids are primary keys and are indexed; random ids land
    /// each insert on a different B-tree page, so every gift dirtied a page per index, and each
    /// dirty page is a WAL frame written at commit. Ordered ids append to the same few pages,
    /// which a group commit then writes once for the whole batch.
    static func timeOrdered(ms now: Int64) -> UUID {
        let (ms, sequence) = lastTimeOrdered.withLock { last -> (Int64, UInt16) in
            if now > last.ms {
                // A random start in the lower half leaves room for a burst in the same millisecond.
                last = (now, UInt16.random(in: 0..<0x800))
            } else if last.sequence < 0xFFF {
                last.sequence += 1
            } else {
                last = (last.ms + 1, 0)
            }
            return last
        }
        // The random tail in one draw of the system generator, and no array: a gift makes two ids.
        var random = SystemRandomNumberGenerator()
        var id: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &id) { bytes in
            for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: ms >> (8 * (5 - i))) }
            bytes[6] = 0x70 | UInt8(sequence >> 8)
            bytes[7] = UInt8(truncatingIfNeeded: sequence)
            let tail = random.next() as UInt64
            for i in 0..<8 { bytes[8 + i] = UInt8(truncatingIfNeeded: tail >> (8 * (7 - i))) }
            bytes[8] = 0x80 | (bytes[8] & 0x3F)  // the RFC 4122 variant
        }
        return UUID(uuid: id)
    }
}
