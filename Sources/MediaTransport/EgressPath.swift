import NIOCore
import RTP
import SFU
import SRTP

/// The way out of one loop, which the SFU calls for every packet it forwards (`EgressSink`).
///
/// `forward` holds a packet back when its viewer is paced and over budget (`PacedQueue`), else
/// copies the source bytes into the loop's egress slab with room for the rewrite and
/// the SRTP tag, translating the header extensions from the publisher's ids to the viewer's
/// (`HeaderExtensionTranslator`) and stamping our own abs-send-time and transport-wide sequence
/// number, applies the forwarder's rewrite, protects in place and queues the datagram. The loop
/// flushes at the end of each read batch and after timer and control work, and the path itself
/// every `flushLimit` datagrams: one `sendmmsg` per batch, yet the first viewers of a 1→1000
/// fan-out do not wait for the thousandth copy.
final class EgressPath: EgressSink {
    /// The loop's peers; the room names who to send to by participant.
    let peers: PeerRegistry<PeerConnection>
    /// Set when the listener joins the pipeline; writes go through it.
    var context: ChannelHandlerContext?
    /// The loop's ICE-TCP connections by remote address: a destination found here is written,
    /// framed, to its connection instead of the UDP socket. Looked up only while it is not empty.
    var tcpLinks: [SocketAddress: TCPMediaLink] = [:]
    /// Recorders in the loop's rooms, by the participant they subscribe as (MediaLoop+Recording).
    var recordingTaps: [ParticipantID: RecordingTap] = [:]
    /// Links written during the current flush, flushed once each after the drain.
    private var writtenLinks: [TCPMediaLink] = []
    private(set) var counters = DatagramCounters()
    private(set) var delays = ForwardDelayHistogram()
    /// When the datagram being handled came off the socket (monotonic ns); the ingress sets it
    /// before handing a media packet to the room, so every copy forwarded from it carries it.
    var ingressNanoseconds: UInt64 = 0
    /// The loop's batch time: what abs-send-time and the send-side estimator are stamped with.
    var now: Duration = .zero
    /// Set while a probe cluster's padding is being sent, so its packets are tagged with it.
    var probeCluster: Int?
    private var queue: EgressQueue
    private let flushLimit: Int
    private var paced: PacedQueue
    private var lastPacedRelease: Duration = .zero

    init(peers: PeerRegistry<PeerConnection>, allocator: ByteBufferAllocator, slabCapacity: Int, flushLimit: Int,
         pacedSlots: Int = 1024, pacedSlotSize: Int = 1500) {
        self.peers = peers
        queue = EgressQueue(allocator: allocator, capacity: slabCapacity)
        writtenLinks.reserveCapacity(64)
        paced = PacedQueue(slots: pacedSlots, slotSize: pacedSlotSize)
        self.flushLimit = max(1, flushLimit)
    }

    deinit { paced.deallocate() }

    var queuedCount: Int { queue.count }

    // MARK: EgressSink (packet path)

    func forward(to participant: ParticipantID, source: UnsafeRawBufferPointer, rewrite: RTPRewrite) {
        guard let peer = peers.peer(participant: participant), peer.canSendMedia else {
            // A recorder is a participant without a peer: looked up only when no peer matched.
            if !recordingTaps.isEmpty, let tap = recordingTaps[participant] {
                tap.push(source, rewrite: rewrite, arrivalMilliseconds: Int64(now / .milliseconds(1)))
                return
            }
            counters.egressNotReady += 1
            return
        }
        // A paced viewer's packet waits when its budget is spent, or when earlier ones wait
        // (order); probes go at their own rate, which is what they measure.
        if probeCluster == nil, peer.pacer != nil,
           peer.pacedWaiting > 0 || !(peer.pacer?.canSend(bytes: source.count, at: now) ?? true) {
            if paced.enqueue(source, to: participant, rewrite: rewrite, ingressNanoseconds: ingressNanoseconds) {
                peer.pacedWaiting += 1
                counters.paced += 1
                return
            }
        }
        transmit(to: peer, source: source, rewrite: rewrite, ingressNanoseconds: ingressNanoseconds)
    }

    /// Translates, stamps, rewrites and protects one packet into the slab, queued to go.
    private func transmit(to peer: PeerConnection, source: UnsafeRawBufferPointer, rewrite: RTPRewrite,
                          ingressNanoseconds: UInt64) {
        guard let srtp = peer.srtp, let destination = peer.destination else {
            counters.egressNotReady += 1
            return
        }
        let capacity = source.count + HeaderExtensionTranslator.maxBlockLength + rewrite.growth + SRTPSession.requiredRTPCapacity
        let link = self.link(to: destination)
        if !queue.fits(capacity + EgressQueue.framingOverhead) { flush() }
        let extensions = peer.features.extensions
        let sequenceNumber = extensions.transportSequenceNumber == 0 ? nil : peer.nextTransportSequenceNumber
        let sendTime = extensions.absSendTime == 0 ? nil : AbsSendTime(now)
        var size = 0
        let queued = queue.append(capacity: capacity, to: destination, link: link, ingressNanoseconds: ingressNanoseconds) { buffer in
            do {
                var length = try HeaderExtensionTranslator.translate(
                    source, into: buffer, from: rewrite.sourceExtensions, to: extensions,
                    absSendTime: sendTime, transportSequenceNumber: sequenceNumber)
                length = try rewrite.apply(to: buffer, length: length)
                size = length
                return try srtp.protectRTP(buffer, length: length)
            } catch {
                return 0
            }
        }
        if queued {
            counters.sent += 1
            peer.pacer?.consume(bytes: size, at: now)
            if let sequenceNumber {
                peer.nextTransportSequenceNumber = sequenceNumber &+ 1
                peer.packetSent(transportSequenceNumber: sequenceNumber, size: size, at: now, probeCluster: probeCluster)
            }
        } else {
            counters.egressFailed += 1
        }
        if queue.count >= flushLimit { flush() }
    }

    // MARK: pacing

    /// When held-back packets should be looked at again; nil when none wait.
    var nextPacedRelease: Duration? { paced.isEmpty ? nil : lastPacedRelease + Self.pacingTick }

    /// Every 5 ms while packets wait: fine enough that a paced frame leaves as a steady stream,
    /// coarse enough that the timer costs little.
    static let pacingTick: Duration = .milliseconds(5)

    /// Sends what the viewers' budgets allow now, oldest first; drops what waits for a viewer
    /// that left.
    func releasePaced() {
        lastPacedRelease = now
        guard !paced.isEmpty else { return }
        paced.release { entry, bytes in
            guard let peer = peers.peer(participant: entry.participant) else { return true }
            guard peer.pacer?.canSend(bytes: entry.length, at: now) ?? true else { return false }
            peer.pacedWaiting -= 1
            transmit(to: peer, source: bytes, rewrite: entry.rewrite, ingressNanoseconds: entry.ingressNanoseconds)
            return true
        }
    }

    func sendRTCP(to participant: ParticipantID, bytes: UnsafeRawBufferPointer) {
        guard let peer = peers.peer(participant: participant), let srtp = peer.srtp, let destination = peer.destination else {
            if !recordingTaps.isEmpty, recordingTaps[participant] != nil { return }  // reports to a recorder: nobody reads them
            counters.egressNotReady += 1
            return
        }
        let capacity = bytes.count + SRTPSession.requiredRTCPCapacity
        if !queue.fits(capacity + EgressQueue.framingOverhead) { flush() }
        let queued = queue.append(capacity: capacity, to: destination, link: link(to: destination)) { buffer in
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
        if !queue.fits(bytes.count + EgressQueue.framingOverhead) { flush() }
        let queued = queue.append(capacity: bytes.count, to: destination, link: link(to: destination)) { buffer in
            bytes.withUnsafeBytes { source in
                guard let base = buffer.baseAddress, let from = source.baseAddress else { return 0 }
                base.copyMemory(from: from, byteCount: source.count)
                return source.count
            }
        }
        if queued { counters.sent += 1 } else { counters.egressFailed += 1 }
    }

    // MARK: flushing

    /// The ICE-TCP connection `destination` is on, if it is one.
    private func link(to destination: SocketAddress) -> TCPMediaLink? {
        tcpLinks.isEmpty ? nil : tcpLinks[destination]
    }

    /// Writes everything queued and flushes the channel once (NIO sends with `sendmmsg` there
    /// and then, unless the socket is full), and each TCP connection written to once; then
    /// records each forwarded datagram's delay.
    func flush() {
        guard !queue.isEmpty else { return }
        if let context {
            queue.drain({ envelope in context.write(NIOAny(envelope), promise: nil) },
                        writeFramed: { link, framed in
                            if link.write(framed) {
                                counters.tcpFramesSent += 1
                                writtenLinks.append(link)
                            } else {
                                counters.tcpDropped += 1
                            }
                        })
            context.flush()
            for link in writtenLinks { link.flushIfWritten() }
            writtenLinks.removeAll(keepingCapacity: true)
            queue.recordDelays(sentAt: MediaLoop.monotonicNanoseconds(), into: &delays)
        }
        queue.recycle()
    }
}
