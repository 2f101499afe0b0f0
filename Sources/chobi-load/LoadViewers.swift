import RTP
import SRTP
import Synchronization
import SyntheticMedia
import SyntheticPeers

#if canImport(Glibc)
import Glibc
#endif

/// Every synthetic viewer of a run, read by one thread with poll(2): SRTP off, the packet to its
/// `VideoViewerTrack` (decoded for the sampled ones), and a PLI back when a picture could not be
/// decoded (at most one every 500 ms per viewer, as browsers throttle theirs).
final class LoadViewers: @unchecked Sendable {
    // @unchecked: tracks are touched by the reader thread only until `join`; `decodedFrames` is atomic.
    struct Member {
        let peer: SyntheticPeer
        let track: VideoViewerTrack
        /// When its WHEP request went out (LoadClock ms): join time runs from here.
        let requestedAt: UInt32
        var lastPLI: UInt32 = 0
    }

    var members: [Member]
    let stop = Atomic<Bool>(false)
    /// All viewers' decoded (or, without decoding, assembled) frames so far, for the progress line.
    let framesSoFar = Atomic<Int>(0)
    private var buffer = [UInt8](repeating: 0, count: 2048)
    private var pli = [UInt8](repeating: 0, count: 256)

    init(members: [Member]) { self.members = members }

    func run(seconds: Double) {
        let end = monotonicNanos() + UInt64(seconds * 1e9)
        var fds = members.map { pollfd(fd: $0.peer.fd, events: Int16(POLLIN), revents: 0) }
        while !stop.load(ordering: .relaxed), monotonicNanos() < end {
            guard poll(&fds, nfds_t(fds.count), 5) > 0 else { continue }
            for i in fds.indices where fds[i].revents & Int16(POLLIN) != 0 {
                for _ in 0..<64 {
                    guard let n = members[i].peer.receive(into: &buffer), n > 0 else { break }
                    handle(n, member: i)
                }
            }
        }
    }

    private func handle(_ n: Int, member i: Int) {
        // RTCP (sender reports) is not ours to read here; RTP only.
        guard n > 12, !(192...223).contains(buffer[1]), let srtp = members[i].peer.srtp else { return }
        let length = buffer.withUnsafeMutableBytes { (try? srtp.unprotectRTP($0, length: n)) ?? 0 }
        guard length > 0 else { return }
        let now = LoadClock.milliseconds()
        let track = members[i].track
        let before = track.decodes ? track.framesDecoded : track.framesAssembled
        let wantsKeyframe = track.receive(Array(buffer[0..<length]), nowMilliseconds: now)
        let after = track.decodes ? track.framesDecoded : track.framesAssembled
        if after > before { framesSoFar.add(after - before, ordering: .relaxed) }
        if wantsKeyframe, now &- members[i].lastPLI > 500 {
            members[i].lastPLI = now
            sendPLI(member: i, mediaSSRC: buffer.withUnsafeBytes { UInt32(bigEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self)) })
        }
    }

    private func sendPLI(member i: Int, mediaSSRC: UInt32) {
        guard let srtp = members[i].peer.srtp else { return }
        let packet = PictureLossIndication(senderSSRC: 1, mediaSSRC: mediaSSRC)
        let length = pli.withUnsafeMutableBytes { buffer -> Int in
            guard let written = try? packet.marshal(into: buffer) else { return 0 }
            return (try? srtp.protectRTCP(buffer, length: written)) ?? 0
        }
        if length > 0 { pli.withUnsafeBytes { members[i].peer.send(UnsafeRawBufferPointer(rebasing: $0[0..<length])) } }
    }
}
