#if canImport(Glibc)
import SyntheticPeers
import Glibc
#endif
import RTP
import SRTP
import Synchronization

/// The benchmark's publisher: VP8 packets (1,000-byte payload, MID header extension, a keyframe
/// first when asked) protected with the publisher's SRTP session and sent at a paced rate. The
/// last 8 payload bytes carry the CLOCK_MONOTONIC send time, written before protection.
/// With no session it sends the same bytes in the clear (the plain-UDP baseline).
final class PacketSource: @unchecked Sendable {
    // @unchecked: one thread at a time sends (the caller, or one PeerThread that is joined
    // before the next use); only `sent` is read concurrently, and it is atomic.
    let peer: SyntheticPeer
    let session: SRTPSession?
    let sent = Atomic<Int>(0)
    /// Time `sendWindowed` spent waiting for a full window to drain: the server was behind.
    let waitedNanos = Atomic<Int>(0)
    private var sequence: UInt16 = 1
    private var timestamp: UInt32 = 90_000
    private let keyframe: [UInt8]
    private let delta: [UInt8]
    private var work = [UInt8](repeating: 0, count: 2048)

    init(peer: SyntheticPeer, session: SRTPSession?) throws {
        self.peer = peer
        self.session = session
        func template(_ descriptor: [UInt8]) throws -> [UInt8] {
            let payload = descriptor + [UInt8](repeating: 0x5A, count: ForwardBenchmark.payloadBytes - descriptor.count)
            var extensions = [RTPHeaderExtension(id: SyntheticPeer.midExtensionID, value: Array("0".utf8))]
            if ForwardBenchmark.feedback { extensions.append(RTPHeaderExtension(id: SyntheticPeer.transportCCExtensionID, value: [0, 0])) }
            return try RTPPacketBuilder(payloadType: 96, sequenceNumber: 0, timestamp: 0, ssrc: ForwardBenchmark.publisherSSRC,
                                        marker: true, extensions: extensions)
                .build(payload: payload)
        }
        keyframe = try template([0x10, 0x50, 0x2A, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0xE0, 0x01])
        delta = try template([0x10, 0x51, 0x2A, 0x00])
    }

    /// Sends `ingressPerSecond` packets a second for `duration` (falling behind when the CPU
    /// cannot keep up, never catching up with more than a 64-packet burst).
    func sendPaced(ingressPerSecond rate: Double, duration: Duration, keyframeFirst: Bool) throws {
        let start = monotonicNanos()
        let end = start + UInt64(duration.nanoseconds)
        var count = 0
        while true {
            let now = monotonicNanos()
            if now >= end { break }
            let due = Int(Double(now - start) * rate / 1e9) + 1
            if count >= due {
                let next = min(end, start + UInt64(Double(count) * 1e9 / rate))
                if next > now + 80_000 { usleep(UInt32(min(100_000, (next - now) / 1000 - 50))) }
                continue
            }
            var burst = min(due - count, 64)
            while burst > 0 {
                try sendOne(keyframe: keyframeFirst && count == 0)
                count += 1
                burst -= 1
            }
        }
    }

    /// Saturating load without overflowing the server's socket: keeps about `window` packets in
    /// front of the server (sent minus RTP fan-outs the subscribers have received), so the loop always
    /// has work queued but the kernel never drops ingress (a burst of drops would look like loss
    /// to the forwarder and to SRTP's rollover estimate). A keyframe starts the run and every
    /// 2,000th packet. If the subscribers stop seeing progress for 250 ms (a datagram lost at a
    /// subscriber socket), one packet of credit is written off so the window cannot stall.
    func sendWindowed(window: Int, fanOut: Int, received: () -> Int, duration: Duration) throws {
        let end = monotonicNanos() + UInt64(duration.nanoseconds)
        var count = 0
        var writtenOff = 0
        var lastProgress = monotonicNanos()
        var lastReceived = received()
        let startReceived = lastReceived
        while monotonicNanos() < end {
            let got = received()
            let now = monotonicNanos()
            if got != lastReceived {
                lastReceived = got
                lastProgress = now
            }
            let outstanding = count - writtenOff - (got - startReceived) / fanOut
            if outstanding < window {
                try sendOne(keyframe: count % 2000 == 0)
                count += 1
            } else if now - lastProgress > 250_000_000 {
                writtenOff += 1
                lastProgress = now
            } else {
                usleep(50)
                waitedNanos.add(Int(monotonicNanos() - now), ordering: .relaxed)
            }
        }
    }

    private func sendOne(keyframe isKeyframe: Bool) throws {
        let template = isKeyframe ? keyframe : delta
        let (sequence, timestamp, session, peer) = (self.sequence, self.timestamp, self.session, self.peer)
        try work.withUnsafeMutableBytes { raw throws in
            template.withUnsafeBytes { raw.copyMemory(from: $0) }
            raw.storeBytes(of: sequence.bigEndian, toByteOffset: 2, as: UInt16.self)
            // The transport-wide number (one-byte form: block at 12, mid element 16-17, ours at 18).
            if ForwardBenchmark.feedback { raw.storeBytes(of: sequence.bigEndian, toByteOffset: 19, as: UInt16.self) }
            raw.storeBytes(of: timestamp.bigEndian, toByteOffset: 4, as: UInt32.self)
            raw.storeBytes(of: monotonicNanos(), toByteOffset: template.count - 8, as: UInt64.self)
            let length = try session?.protectRTP(raw, length: template.count) ?? template.count
            peer.send(UnsafeRawBufferPointer(rebasing: raw[0..<length]))
        }
        self.sequence &+= 1
        self.timestamp &+= 3000
        sent.add(1, ordering: .relaxed)
    }
}
