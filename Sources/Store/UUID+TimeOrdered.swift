import Foundation
import Glibc
import Synchronization

extension UUID {
    /// The last RFC 9562 version 7 id handed out (its millisecond and 12-bit sequence), and random
    /// bits drawn ahead for the ids' tails.
    private struct State {
        var ms: Int64 = 0
        var sequence: UInt16 = 0
        var random = RandomPool()
    }

    private static let lastTimeOrdered = Mutex(State())

    /// A version 7 UUID (RFC 9562 §5.7): 48 bits of Unix milliseconds, then a 12-bit sequence,
    /// then 62 random bits. Ids made by this process sort in the order they were made (a clock
    /// that steps back reuses the last millisecond; a full sequence borrows the next one).
    ///
    /// Why: the ledger's and the gifts' ids are primary keys and are indexed; random ids land
    /// each insert on a different B-tree page, so every gift dirtied a page per index, and each
    /// dirty page is a WAL frame written at commit. Ordered ids append to the same few pages,
    /// which a group commit then writes once for the whole batch.
    static func timeOrdered(ms now: Int64) -> UUID {
        let (ms, sequence, tail) = lastTimeOrdered.withLock { state -> (Int64, UInt16, UInt64) in
            if now > state.ms {
                // A random start in the lower half leaves room for a burst in the same millisecond.
                state.ms = now
                state.sequence = UInt16(truncatingIfNeeded: state.random.next()) & 0x7FF
            } else if state.sequence < 0xFFF {
                state.sequence += 1
            } else {
                state.ms += 1
                state.sequence = 0
            }
            return (state.ms, state.sequence, state.random.next())
        }
        var id: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &id) { bytes in
            for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: ms >> (8 * (5 - i))) }
            bytes[6] = 0x70 | UInt8(sequence >> 8)
            bytes[7] = UInt8(truncatingIfNeeded: sequence)
            for i in 0..<8 { bytes[8 + i] = UInt8(truncatingIfNeeded: tail >> (8 * (7 - i))) }
            bytes[8] = 0x80 | (bytes[8] & 0x3F)  // the RFC 4122 variant
        }
        return UUID(uuid: id)
    }
}

/// Random words from the kernel, read 256 at a time: the standard library's generator makes a
/// getrandom call per word, and a gift makes two ids on the writer's thread.
private struct RandomPool {
    private var words = [UInt64](repeating: 0, count: 256)
    private var index = 256

    mutating func next() -> UInt64 {
        if index == words.count {
            words.withUnsafeMutableBytes { raw in
                var filled = 0
                let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
                if fd >= 0, let base = raw.baseAddress {
                    while filled < raw.count {
                        let n = read(fd, base + filled, raw.count - filled)
                        if n > 0 {
                            filled += n
                        } else if n == 0 || errno != EINTR {
                            break
                        }
                    }
                }
                if fd >= 0 { close(fd) }
                // Without /dev/urandom (a bare chroot), the rest comes from the standard library's
                // generator, a word at a time.
                var generator = SystemRandomNumberGenerator()
                while filled < raw.count {
                    raw[filled] = UInt8.random(in: 0...255, using: &generator)
                    filled += 1
                }
            }
            index = 0
        }
        defer { index += 1 }
        return words[index]
    }
}
