#if canImport(Glibc)
import SyntheticPeers
import Glibc
#endif
import SRTP
import Synchronization

/// Reads the subscribers' sockets on its own thread until stopped (or `maxSeconds`).
/// `.count`: polls every socket, counts every datagram, and decrypts every 8th RTP packet of the
/// `verifying` subscribers (proof that what arrives is real SRTP for that viewer).
/// `.latency`: polls only the `verifying` subscribers, decrypts each RTP packet and records
/// receive time − the publisher's stamp (last 8 plaintext bytes). `plain`: no SRTP (baseline).
final class SubscriberReader: @unchecked Sendable {
    // @unchecked: results are written by the reader thread only and read after it is joined.
    enum Mode { case count, latency }

    let stop = Atomic<Bool>(false)
    private let peers: [SyntheticPeer]
    private let fds: [Int32]
    private let mode: Mode
    private let verifying: [Int]
    private let sessions: [SRTPSession?]
    private let plain: Bool
    /// Datagrams read so far; atomic because the publisher's window reads it while we run.
    let receivedCount = Atomic<Int>(0)
    var received: Int { receivedCount.load(ordering: .relaxed) }
    /// RTP datagrams only (the publisher's window must not count the server's RTCP reports).
    let receivedRTP = Atomic<Int>(0)
    /// Per `verifying` subscriber, in that order.
    private(set) var decrypted: [Int]
    private(set) var undecryptable = 0
    private(set) var latencies: [UInt64] = []

    init(peers: [SyntheticPeer], mode: Mode, verifying: [Int], plain: Bool = false) {
        self.peers = peers
        fds = peers.map(\.fd)
        self.mode = mode
        self.verifying = verifying
        sessions = verifying.map { peers[$0].srtp }
        self.plain = plain
        decrypted = Array(repeating: 0, count: verifying.count)
        latencies.reserveCapacity(1 << 20)
    }

    func run(maxSeconds: Double) {
        let end = monotonicNanos() + UInt64(maxSeconds * 1e9)
        // Which `verifying` slot each polled socket is, or -1.
        let polled: [Int] = mode == .latency ? verifying : Array(fds.indices)
        var slot = [Int](repeating: -1, count: polled.count)
        for (i, index) in polled.enumerated() { if let v = verifying.firstIndex(of: index) { slot[i] = v } }
        var pollFDs = polled.map { pollfd(fd: fds[$0], events: Int16(POLLIN), revents: 0) }
        var buffer = [UInt8](repeating: 0, count: 2048)
        var perSlot = [Int](repeating: 0, count: verifying.count)
        while !stop.load(ordering: .relaxed), monotonicNanos() < end {
            guard poll(&pollFDs, nfds_t(pollFDs.count), 5) > 0 else { continue }
            for i in pollFDs.indices where pollFDs[i].revents & Int16(POLLIN) != 0 {
                let peer = peers[polled[i]]
                for _ in 0..<64 {
                    // A datagram, or over TCP a whole frame (the peer cuts the stream).
                    guard let n = peer.receive(into: &buffer), n > 0 else { break }
                    let at = monotonicNanos()
                    receivedCount.add(1, ordering: .relaxed)
                    // RTP only (RTCP's second byte is 192...223: sender reports from the server).
                    guard n > 20, !(192...223).contains(buffer[1]) else { continue }
                    receivedRTP.add(1, ordering: .relaxed)
                    let v = slot[i]
                    guard v >= 0 else { continue }
                    perSlot[v] += 1
                    if mode == .count, perSlot[v] % 8 != 1 { continue }
                    var length = n
                    if !plain {
                        guard let session = sessions[v],
                              let plainLength = buffer.withUnsafeMutableBytes({ try? session.unprotectRTP($0, length: n) })
                        else {
                            undecryptable += 1
                            continue
                        }
                        length = plainLength
                        decrypted[v] += 1
                    }
                    if mode == .latency {
                        let stamp = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self) }
                        if at >= stamp { latencies.append(at - stamp) }
                    }
                }
            }
        }
    }
}
