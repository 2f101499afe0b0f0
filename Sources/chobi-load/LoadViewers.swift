import RTP
import SRTP
import Synchronization
import SyntheticMedia
import SyntheticPeers
import LoadKit

#if canImport(Glibc)
import Glibc
#endif

/// A group of synthetic viewers read by one thread with poll(2): each datagram through the
/// viewer's `NetworkImpairment` (dropped, or held in its `DelayLine` until due), SRTP off, RTCP
/// to its sender-report reading, Opus to its audio stream, and VP8 to the stream of its SSRC
/// (decoded for the sampled viewers), with NACKs retried by the viewer's tick for what is
/// missing and a PLI when a picture could not be decoded (at most one every 500 ms per stream,
/// as browsers throttle theirs). Viewers come in (`add`) and go (`leaving`) while it runs; what
/// they received each second goes to `meter`.
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
    private var feedback = [UInt8](repeating: 0, count: 1500)
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
            let ready = poll(&fds, nfds_t(fds.count), pollTimeout())
            let now = SyntheticPeer.now
            if ready > 0 {
                for i in fds.indices where fds[i].revents & Int16(POLLIN) != 0 {
                    for _ in 0..<64 {
                        guard let n = active[i].peer.receive(into: &buffer), n > 0 else { break }
                        arrive(n, viewer: active[i], at: now)
                    }
                }
            }
            for viewer in active {
                while let n = viewer.line.pop(dueBy: now, into: &buffer) { handle(n, viewer: viewer, at: now) }
                viewer.tick(now: now)
                sendFeedback(viewer)
            }
        }
        watching.store(0, ordering: .relaxed)
    }

    /// The packet's transport-wide sequence number (audio and video share them), when it has one.
    private func noteTransportSequence(id: UInt8, length: Int, viewer: LoadViewer, at clock: Duration) {
        buffer.withUnsafeBytes { raw in
            let packet = UnsafeRawBufferPointer(rebasing: raw[0..<length])
            guard let header = try? RTPHeader(parsing: packet), let range = header.extensionValueRange(id: id, in: packet),
                  let number = try? TransportSequenceNumber(parsing: UnsafeRawBufferPointer(rebasing: packet[range]))
            else { return }
            viewer.transportFeedback?.packetArrived(number.value, at: clock)
        }
    }

    /// Up to 5 ms, less when a held packet is due sooner.
    private func pollTimeout() -> Int32 {
        guard let due = active.lazy.compactMap(\.line.nextRelease).min() else { return 5 }
        let wait = due - SyntheticPeer.now
        // Rounded up: a wait under a millisecond would otherwise spin poll(0) until it passes.
        return wait <= .zero ? 0 : Int32(min(5, (wait / .milliseconds(1)).rounded(.up)))
    }

    /// The impaired path: a datagram is dropped, held until due, or handled now.
    private func arrive(_ n: Int, viewer: LoadViewer, at now: Duration) {
        guard let fate = viewer.impairment?.admit(bytes: n, at: now) else { return handle(n, viewer: viewer, at: now) }
        switch fate {
        case .drop:
            return
        case .deliver(let at):
            if at <= now, viewer.line.isEmpty { return handle(n, viewer: viewer, at: now) }
            buffer.withUnsafeBytes { _ = viewer.line.push(UnsafeRawBufferPointer(rebasing: $0[0..<n]), releaseAt: at) }
        }
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

    private func handle(_ n: Int, viewer: LoadViewer, at clock: Duration) {
        guard n > 12, let srtp = viewer.peer.srtp else { return }
        if (192...223).contains(buffer[1]) {
            // RTCP: the sender reports, for the receiver reports' round trip.
            let length = buffer.withUnsafeMutableBytes { (try? srtp.unprotectRTCP($0, length: n)) ?? 0 }
            if length > 0 { buffer.withUnsafeBytes { viewer.receiveRTCP(UnsafeRawBufferPointer(rebasing: $0[0..<length]), now: clock) } }
            return
        }
        let length = buffer.withUnsafeMutableBytes { (try? srtp.unprotectRTP($0, length: n)) ?? 0 }
        guard length > 12 else {
            viewer.undecryptable += 1
            return
        }
        let ssrc = UInt32(buffer[8]) << 24 | UInt32(buffer[9]) << 16 | UInt32(buffer[10]) << 8 | UInt32(buffer[11])
        let sequence = UInt16(buffer[2]) << 8 | UInt16(buffer[3])
        let timestamp = UInt32(buffer[4]) << 24 | UInt32(buffer[5]) << 16 | UInt32(buffer[6]) << 8 | UInt32(buffer[7])
        let payloadType = buffer[1] & 0x7F
        viewer.bytes += length
        if let id = viewer.media.transportCCExtensionID { noteTransportSequence(id: id, length: length, viewer: viewer, at: clock) }
        if let opus = viewer.media.audioPayloadType, payloadType == opus {
            buffer.withUnsafeBytes { viewer.receiveAudio(UnsafeRawBufferPointer(rebasing: $0[0..<length]), ssrc: ssrc, sequence: sequence,
                                                       timestamp: timestamp, at: clock) }
            meter.packet(bytes: length, gaps: 0)
            return
        }
        if viewer.streams[ssrc] == nil {
            // A new publisher's video (VP8 is payload type 96 in our offer); anything else is not ours.
            guard payloadType == MediaOffer.videoPayloadType, viewer.streams.count < LoadViewer.maxStreams,
                  let track = try? VideoViewerTrack(decodes: viewer.decodes, maxWaitMilliseconds: viewer.media.maxWaitMilliseconds)
            else { return }
            viewer.streams[ssrc] = LoadViewer.Stream(track: track)
        }
        guard var stream = viewer.streams[ssrc] else { return }
        let now = LoadClock.milliseconds()
        let skipped = stream.loss.record(sequence)
        stream.reception.record(sequenceNumber: sequence, timestamp: timestamp, arrival: clock)
        _ = stream.nack.packetArrived(stream.sequence.unwrap(sequence), at: clock)
        meter.packet(bytes: length, gaps: skipped.count)
        let track = stream.track
        let before = viewer.decodes ? track.framesDecoded : track.framesAssembled
        let wantsKeyframe = track.receive(Array(buffer[0..<length]), nowMilliseconds: now)
        let after = viewer.decodes ? track.framesDecoded : track.framesAssembled
        var firstFrame = false
        if after > before {
            for _ in before..<after { meter.frame(latencyMilliseconds: viewer.decodes ? track.latencies.last.map(Double.init) : nil) }
            if stream.firstFrameAt == nil {
                stream.firstFrameAt = now
                firstFrame = true
            }
        }
        if wantsKeyframe, now &- stream.lastPLI > 500 {
            stream.lastPLI = now
            viewer.outbox.append(.pictureLossIndication(PictureLossIndication(senderSSRC: LoadViewer.senderSSRC, mediaSSRC: ssrc)))
            viewer.plisSent += 1
        }
        viewer.streams[ssrc] = stream
        if firstFrame { viewer.noteFirstFrame(at: now) }
        sendFeedback(viewer)
    }

    private func sendFeedback(_ viewer: LoadViewer) {
        guard !viewer.outbox.isEmpty else { return }
        defer { viewer.outbox.removeAll(keepingCapacity: true) }
        guard let srtp = viewer.peer.srtp else { return }
        for packet in viewer.outbox {
            let length = feedback.withUnsafeMutableBytes { out -> Int in
                guard let written = try? packet.marshal(into: out) else { return 0 }
                return (try? srtp.protectRTCP(out, length: written)) ?? 0
            }
            if length > 0 { feedback.withUnsafeBytes { viewer.peer.send(UnsafeRawBufferPointer(rebasing: $0[0..<length])) } }
        }
    }
}
