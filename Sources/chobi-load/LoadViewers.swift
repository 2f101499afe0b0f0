import RTP
import SRTP
import Synchronization
import SyntheticMedia
import SyntheticPeers
import LoadKit

#if canImport(Glibc)
import Glibc
#endif

/// A group of synthetic viewers read by one thread with poll(2): SRTP off, each packet to the
/// stream of its SSRC (decoded for the sampled viewers), a generic NACK back for sequence numbers
/// skipped over, and a PLI when a picture could not be decoded (at most one every 500 ms per
/// stream, as browsers throttle theirs). Viewers come in (`add`) and go (`leaving`) while it runs;
/// what they received each second goes to `meter`.
final class LoadViewers: @unchecked Sendable {
    // @unchecked: `active` and `everyone` belong to the reader thread until `join`; `incoming` is
    // locked, the counters atomic.
    let meter = IntervalMeter()
    let stop = Atomic<Bool>(false)
    /// Viewers watching now (added and not gone).
    let watching = Atomic<Int>(0)
    private let incoming = Mutex<[LoadViewer]>([])
    private var active: [LoadViewer] = []
    /// Every viewer this group ever read, for the report (read after the thread ended).
    private(set) var everyone: [LoadViewer] = []
    private var buffer = [UInt8](repeating: 0, count: 2048)
    private var feedback = [UInt8](repeating: 0, count: 512)
    private var fds: [pollfd] = []

    func add(_ viewer: LoadViewer) {
        incoming.withLock { $0.append(viewer) }
    }

    func run(until deadline: UInt64) {
        while !stop.load(ordering: .relaxed), monotonicNanos() < deadline {
            adopt()
            guard !fds.isEmpty else {
                usleep(5_000)
                continue
            }
            guard poll(&fds, nfds_t(fds.count), 5) > 0 else { continue }
            for i in fds.indices where fds[i].revents & Int16(POLLIN) != 0 {
                for _ in 0..<64 {
                    guard let n = active[i].peer.receive(into: &buffer), n > 0 else { break }
                    handle(n, viewer: active[i])
                }
            }
        }
        watching.store(0, ordering: .relaxed)
    }

    /// New viewers in, departed ones out (between polls, so `fds` and `active` stay aligned).
    private func adopt() {
        let arrived = incoming.withLock { list -> [LoadViewer] in
            defer { list.removeAll() }
            return list
        }
        let before = active.count
        active += arrived
        everyone += arrived
        active.removeAll { $0.leaving.load(ordering: .relaxed) }
        if arrived.isEmpty, active.count == before, fds.count == active.count { return }
        fds = active.map { pollfd(fd: $0.peer.fd, events: Int16(POLLIN), revents: 0) }
        watching.store(active.count, ordering: .relaxed)
    }

    private func handle(_ n: Int, viewer: LoadViewer) {
        // Sender reports are not ours to read here; RTP only.
        guard n > 12, !(192...223).contains(buffer[1]), let srtp = viewer.peer.srtp else { return }
        let length = buffer.withUnsafeMutableBytes { (try? srtp.unprotectRTP($0, length: n)) ?? 0 }
        guard length > 12 else {
            viewer.undecryptable += 1
            return
        }
        let ssrc = UInt32(buffer[8]) << 24 | UInt32(buffer[9]) << 16 | UInt32(buffer[10]) << 8 | UInt32(buffer[11])
        let sequence = UInt16(buffer[2]) << 8 | UInt16(buffer[3])
        if viewer.streams[ssrc] == nil {
            // A new publisher's video (VP8 is payload type 96 in our offer); anything else is not ours.
            guard buffer[1] & 0x7F == 96, viewer.streams.count < LoadViewer.maxStreams,
                  let track = try? VideoViewerTrack(decodes: viewer.decodes) else { return }
            viewer.streams[ssrc] = LoadViewer.Stream(track: track)
        }
        guard var stream = viewer.streams[ssrc] else { return }
        let now = LoadClock.milliseconds()
        let skipped = stream.loss.record(sequence)
        if !skipped.isEmpty {
            send(GenericNACK(senderSSRC: 1, mediaSSRC: ssrc, lostSequenceNumbers: skipped), to: viewer)
            viewer.nacksSent += 1
        }
        viewer.bytes += length
        meter.packet(bytes: length, gaps: skipped.count)
        let track = stream.track
        let before = viewer.decodes ? track.framesDecoded : track.framesAssembled
        let wantsKeyframe = track.receive(Array(buffer[0..<length]), nowMilliseconds: now)
        let after = viewer.decodes ? track.framesDecoded : track.framesAssembled
        if after > before {
            for _ in before..<after { meter.frame(latencyMilliseconds: viewer.decodes ? track.latencies.last.map(Double.init) : nil) }
            if stream.firstFrameAt == nil {
                stream.firstFrameAt = now
                viewer.streams[ssrc] = stream
                viewer.noteFirstFrame(at: now)
            }
        }
        if wantsKeyframe, now &- stream.lastPLI > 500 {
            stream.lastPLI = now
            send(PictureLossIndication(senderSSRC: 1, mediaSSRC: ssrc), to: viewer)
            viewer.plisSent += 1
        }
        viewer.streams[ssrc] = stream
    }

    private func send(_ packet: some RTCPWirePacket, to viewer: LoadViewer) {
        guard let srtp = viewer.peer.srtp else { return }
        let length = feedback.withUnsafeMutableBytes { buffer -> Int in
            guard let written = try? packet.marshal(into: buffer) else { return 0 }
            return (try? srtp.protectRTCP(buffer, length: written)) ?? 0
        }
        if length > 0 { feedback.withUnsafeBytes { viewer.peer.send(UnsafeRawBufferPointer(rebasing: $0[0..<length])) } }
    }
}
