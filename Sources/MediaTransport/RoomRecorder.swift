#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Recording
import SFU
import Synchronization

/// One room's recording of one user's audio and video into one WebM file.
///
/// The room's loop subscribes a virtual participant to the user's tracks and leaves copies of
/// what it forwards in `tap`; this recorder's own thread drains the tap every few milliseconds,
/// turns packets into file bytes (`PublisherRecording`, sans-I/O) and appends them at once, so
/// a `kill -9` leaves a file that plays up to its last cluster. `finish` stops the thread, writes
/// the tail, patches the header in place and closes the file.
public final class RoomRecorder: @unchecked Sendable {
    /// The SSRCs the recorder's subscriptions are rewritten to: how its thread tells audio from video.
    static let videoSSRC: UInt32 = 0x7EC0_0001
    static let audioSSRC: UInt32 = 0x7EC0_0002

    struct Streams: Sendable, Equatable {
        var video: CodecKind?
        var audio = false
    }

    public let room: String
    public let user: String
    public let path: String
    let tap: RecordingTap
    /// What the loop subscribed (set before the subscription, read by the thread).
    let streams = Mutex(Streams())
    /// Asks the publisher for a keyframe (hops to the room's loop); set by the service.
    let requestKeyframe: @Sendable () -> Void
    private let stopping = Atomic<Bool>(false)
    private let done = Mutex<(outcome: RecordingOutcome?, waiter: CheckedContinuation<RecordingOutcome, Never>?)>((nil, nil))
    private let startedAt = ContinuousClock.now

    init(room: String, user: String, path: String, tap: RecordingTap = RecordingTap(),
         requestKeyframe: @escaping @Sendable () -> Void) {
        self.room = room
        self.user = user
        self.path = path
        self.tap = tap
        self.requestKeyframe = requestKeyframe
    }

    /// Opens the file and starts the thread.
    func start() throws(MediaPlaneError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .unavailable("cannot create the recording file: \(String(cString: strerror(errno)))") }
        let thread = Thread { [self] in run(fd: fd) }
        thread.name = "recorder"
        thread.start()
    }

    /// Stops the thread once it has written everything the tap holds; returns what was recorded.
    func finish() async -> RecordingOutcome {
        stopping.store(true, ordering: .releasing)
        return await withCheckedContinuation { continuation in
            let ready: RecordingOutcome? = done.withLock { state in
                if let outcome = state.outcome { return outcome }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private var elapsedMilliseconds: Int64 {
        let elapsed = ContinuousClock.now - startedAt
        return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }

    // MARK: the thread

    private func run(fd: Int32) {
        var recording: PublisherRecording?
        var writeFailed = false
        var lastKeyframeRequest: Int64 = -10_000
        func append(_ bytes: [UInt8]) {
            guard !bytes.isEmpty, !writeFailed else { return }
            writeFailed = !Self.writeAll(fd, bytes, at: nil)
        }
        while true {
            let stop = stopping.load(ordering: .acquiring)
            let streams = self.streams.withLock { $0 }
            // Wait for the video subscription (it fixes the file's tracks), unless there is none after 3 s.
            if recording == nil, streams.video != nil || (streams.audio && elapsedMilliseconds > 3_000) {
                let codec: FrameAssembler.Codec? = switch streams.video {
                case .vp8: .vp8
                case .h264: .h264
                default: nil
                }
                recording = PublisherRecording(video: codec, audio: streams.audio)
            }
            let count = tap.drain { packet, arrival in
                guard packet.count >= 12 else { return }
                let ssrc = UInt32(packet[8]) << 24 | UInt32(packet[9]) << 16 | UInt32(packet[10]) << 8 | UInt32(packet[11])
                let stream: PublisherRecording.Stream
                switch ssrc {
                case Self.videoSSRC: stream = .video
                case Self.audioSSRC: stream = .audio
                default: return
                }
                if let bytes = recording?.receive(stream, packet: Array(packet), arrivalMilliseconds: arrival) { append(bytes) }
            }
            if let current = recording, current.needsKeyframe, streams.video != nil {
                let now = elapsedMilliseconds
                if now - lastKeyframeRequest >= 1_000 {
                    lastKeyframeRequest = now
                    requestKeyframe()
                }
            }
            if stop { break }
            if count == 0 { usleep(10_000) }
        }
        var outcome = RecordingOutcome(path: path, bytes: 0, durationMilliseconds: 0, hasMedia: false,
                                       droppedPackets: tap.dropped, writeFailed: writeFailed)
        if var finishing = recording, let finished = finishing.finish() {
            append(finished.tail)
            for patch in finished.patches where !writeFailed {
                writeFailed = !Self.writeAll(fd, patch.bytes, at: off_t(patch.offset))
            }
            outcome.bytes = finishing.bytesWritten
            outcome.durationMilliseconds = finishing.durationMilliseconds
            outcome.hasMedia = true
            outcome.writeFailed = writeFailed
            outcome.rejectedPackets = finishing.counters.rejectedPackets
            outcome.framesDropped = finishing.counters.framesDropped
        }
        fsync(fd)
        close(fd)
        let waiter = done.withLock { state in
            state.outcome = outcome
            return state.waiter
        }
        waiter?.resume(returning: outcome)
    }

    /// Writes all of `bytes` (at `offset`, or appended); false on an I/O error.
    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], at offset: off_t?) -> Bool {
        bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let base = raw.baseAddress! + done
                let wrote = offset.map { pwrite(fd, base, raw.count - done, $0 + off_t(done)) } ?? write(fd, base, raw.count - done)
                if wrote < 0, errno == EINTR { continue }
                guard wrote > 0 else { return false }
                done += wrote
            }
            return true
        }
    }
}
