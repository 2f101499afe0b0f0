import NIOCore
import SFU
import SRTP

/// The way out of one loop, which the SFU calls for every packet it forwards (`EgressSink`).
///
/// `forward` copies the source bytes into the loop's egress slab with room for the rewrite and
/// the SRTP tag, drops the header extension (ids are the publisher's, which mean nothing — or
/// something else — to the viewer), applies the forwarder's rewrite, protects in place and
/// queues the datagram. The loop flushes at the end of each read batch and after timer and control
/// work, and the path itself every `flushLimit` datagrams: one `sendmmsg` per batch, yet the first
/// viewers of a 1→1000 fan-out do not wait for the thousandth copy.
final class EgressPath: EgressSink {
    /// Everyone on the loop who can be sent to, by participant (ids are unique per loop).
    var peers: [ParticipantID: PeerConnection] = [:]
    /// Set when the listener joins the pipeline; writes go through it.
    var context: ChannelHandlerContext?
    private(set) var counters = DatagramCounters()
    private(set) var delays = ForwardDelayHistogram()
    /// When the datagram being handled came off the socket (monotonic ns); the ingress sets it
    /// before handing a media packet to the room, so every copy forwarded from it carries it.
    var ingressNanoseconds: UInt64 = 0
    private var queue: EgressQueue
    private let flushLimit: Int

    init(allocator: ByteBufferAllocator, slabCapacity: Int, flushLimit: Int) {
        queue = EgressQueue(allocator: allocator, capacity: slabCapacity)
        self.flushLimit = max(1, flushLimit)
        peers.reserveCapacity(64)
    }

    var queuedCount: Int { queue.count }

    // MARK: EgressSink (packet path)

    func forward(to participant: ParticipantID, source: UnsafeRawBufferPointer, rewrite: RTPRewrite) {
        guard let peer = peers[participant], let srtp = peer.srtp, let destination = peer.destination else {
            counters.egressNotReady += 1
            return
        }
        let capacity = source.count + rewrite.growth + SRTPSession.requiredRTPCapacity
        if !queue.fits(capacity) { flush() }
        let queued = queue.append(capacity: capacity, to: destination, ingressNanoseconds: ingressNanoseconds) { buffer in
            guard let base = buffer.baseAddress, let from = source.baseAddress, source.count <= buffer.count else { return 0 }
            base.copyMemory(from: from, byteCount: source.count)
            var length = Self.stripHeaderExtension(buffer, length: source.count)
            do {
                length = try rewrite.apply(to: buffer, length: length)
                return try srtp.protectRTP(buffer, length: length)
            } catch {
                return 0
            }
        }
        if queued { counters.sent += 1 } else { counters.egressFailed += 1 }
        if queue.count >= flushLimit { flush() }
    }

    func sendRTCP(to participant: ParticipantID, bytes: UnsafeRawBufferPointer) {
        guard let peer = peers[participant], let srtp = peer.srtp, let destination = peer.destination else {
            counters.egressNotReady += 1
            return
        }
        let capacity = bytes.count + SRTPSession.requiredRTCPCapacity
        if !queue.fits(capacity) { flush() }
        let queued = queue.append(capacity: capacity, to: destination) { buffer in
            guard let base = buffer.baseAddress, let from = bytes.baseAddress, bytes.count <= buffer.count else { return 0 }
            base.copyMemory(from: from, byteCount: bytes.count)
            do {
                return try srtp.protectRTCP(buffer, length: bytes.count)
            } catch {
                return 0
            }
        }
        if queued { counters.sent += 1 } else { counters.egressFailed += 1 }
    }

    // MARK: control datagrams (STUN responses, DTLS flights)

    func send(_ bytes: [UInt8], to destination: SocketAddress) {
        guard !bytes.isEmpty else { return }
        if !queue.fits(bytes.count) { flush() }
        let queued = queue.append(capacity: bytes.count, to: destination) { buffer in
            bytes.withUnsafeBytes { source in
                guard let base = buffer.baseAddress, let from = source.baseAddress else { return 0 }
                base.copyMemory(from: from, byteCount: source.count)
                return source.count
            }
        }
        if queued { counters.sent += 1 } else { counters.egressFailed += 1 }
    }

    // MARK: flushing

    /// Writes everything queued and flushes the channel once (NIO sends with `sendmmsg` there
    /// and then, unless the socket is full), then records each forwarded datagram's delay.
    func flush() {
        guard !queue.isEmpty else { return }
        if let context {
            queue.drain { envelope in context.write(NIOAny(envelope), promise: nil) }
            context.flush()
            queue.recordDelays(sentAt: MediaLoop.monotonicNanoseconds(), into: &delays)
        }
        queue.recycle()
    }

    /// Removes the RTP header extension (X bit and block) of the packet of `length` bytes at the
    /// start of `buffer`, sliding the payload down; returns the new length. A packet whose
    /// extension does not fit is returned unchanged (the rewrite will refuse it).
    static func stripHeaderExtension(_ buffer: UnsafeMutableRawBufferPointer, length: Int) -> Int {
        guard length >= 12, length <= buffer.count, buffer[0] & 0x10 != 0, let base = buffer.baseAddress else { return length }
        let start = 12 + 4 * Int(buffer[0] & 0x0F)
        guard start + 4 <= length else { return length }
        let words = Int(buffer[start + 2]) << 8 | Int(buffer[start + 3])
        let end = start + 4 + 4 * words
        guard end <= length else { return length }
        (base + start).copyMemory(from: base + end, byteCount: length - end)  // memmove semantics
        buffer[0] &= ~0x10
        return length - (end - start)
    }
}
