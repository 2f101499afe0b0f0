import NIOCore

/// Datagrams waiting for the loop's next flush, written back to back into one pooled slab.
///
/// Why a slab and not a buffer per packet: each datagram would otherwise cost an allocation.
/// Packets are written while no slice of the slab exists (a `ByteBuffer` copies its storage when
/// written while shared); `flush` then hands NIO one slice per datagram, NIO sends them with
/// `sendmmsg`, and `recycle` makes the slab empty again — reusing its storage when NIO has let
/// go of every slice, or taking fresh storage (without copying) when the socket kept some.
struct EgressQueue {
    struct Pending {
        var offset: Int
        var length: Int
        var destination: SocketAddress
        /// The ICE-TCP connection it goes on; nil for UDP. Its bytes start with the RFC 4571
        /// length, written in place so that TCP costs no buffer of its own.
        var link: TCPMediaLink?
        /// When the datagram this one was forwarded from came off the socket (monotonic ns);
        /// 0 for datagrams that were not forwarded (STUN, DTLS, our own RTCP).
        var ingressNanoseconds: UInt64
    }

    private var slab: ByteBuffer
    private var pending: [Pending] = []

    init(allocator: ByteBufferAllocator, capacity: Int) {
        slab = allocator.buffer(capacity: capacity)
        pending.reserveCapacity(256)
    }

    var count: Int { pending.count }
    var isEmpty: Bool { pending.isEmpty }

    /// Whether `capacity` more bytes fit before the next flush.
    func fits(_ capacity: Int) -> Bool { slab.writableBytes >= capacity }

    /// Bytes a packet on a TCP link needs beyond its own: the RFC 4571 length.
    static let framingOverhead = 2

    /// Lets `body` write one datagram of at most `capacity` bytes (it returns the length, or 0
    /// to cancel) and queues it for `destination`, framed when it goes on a TCP `link`. The
    /// caller checks `fits` first (with `framingOverhead` added for a link).
    mutating func append(capacity: Int, to destination: SocketAddress, link: TCPMediaLink? = nil,
                         ingressNanoseconds: UInt64 = 0, _ body: (UnsafeMutableRawBufferPointer) -> Int) -> Bool {
        let framing = link == nil ? 0 : Self.framingOverhead
        guard slab.writableBytes >= capacity + framing else { return false }
        let offset = slab.writerIndex
        let length = slab.withUnsafeMutableWritableBytes { writable in
            body(UnsafeMutableRawBufferPointer(rebasing: writable[framing..<(framing + capacity)]))
        }
        guard length > 0, length <= capacity, length <= Int(UInt16.max) || link == nil else { return false }
        if framing > 0 { slab.setInteger(UInt16(length), at: offset) }
        slab.moveWriterIndex(forwardBy: framing + length)
        pending.append(Pending(offset: offset, length: framing + length, destination: destination, link: link,
                               ingressNanoseconds: ingressNanoseconds))
        return true
    }

    /// Hands every queued datagram to `write` (UDP) or `writeFramed` (a TCP link), in order.
    func drain(_ write: (AddressedEnvelope<ByteBuffer>) -> Void, writeFramed: (TCPMediaLink, ByteBuffer) -> Void) {
        for p in pending {
            guard let slice = slab.getSlice(at: p.offset, length: p.length) else { continue }
            if let link = p.link {
                writeFramed(link, slice)
            } else {
                write(AddressedEnvelope(remoteAddress: p.destination, data: slice))
            }
        }
    }

    /// Records how long each forwarded datagram waited, from its ingress read to `now` (sent).
    func recordDelays(sentAt now: UInt64, into histogram: inout ForwardDelayHistogram) {
        for p in pending where p.ingressNanoseconds != 0 {
            histogram.record(nanoseconds: now &- min(now, p.ingressNanoseconds))
        }
    }

    /// Empties the queue and the slab after a flush (see the type's comment).
    mutating func recycle() {
        pending.removeAll(keepingCapacity: true)
        slab.clear()
    }
}
