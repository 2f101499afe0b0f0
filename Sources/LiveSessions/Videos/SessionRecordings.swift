import Foundation
import Logging
import MediaProbe
import SFU
import Store

/// Live sessions recorded into the video library: a recording is a `processing` video whose
/// WebM the media plane writes while the host is live; when it stops (the host switched it off,
/// or the session ended) the file is finished, probed and the video becomes `ready`, with a
/// thumbnail, and an HLS rendition follows in the background when ffmpeg is installed. A
/// recording a crash cut short is found at start-up, still `processing`, and made ready as far
/// as its last whole cluster, marked incomplete.
public actor SessionRecordings {
    let library: VideoLibrary
    let media: (any RecordingMediaPlane)?
    let renditions: HLSRenditions?
    let logger: Logger
    /// Recording now, by session: the video the file belongs to.
    private var active: [UUID: UUID] = [:]

    public init(library: VideoLibrary, media: (any RecordingMediaPlane)?, renditions: HLSRenditions? = HLSRenditions.detect(),
                logger: Logger) {
        self.library = library
        self.media = media
        self.renditions = renditions
        self.logger = logger
    }

    public func isRecording(_ session: UUID) -> Bool { active[session] != nil }

    /// Starts recording the host of `session`; returns the video being recorded into. Starting
    /// twice is harmless (the running recording's video comes back).
    @discardableResult
    public func start(_ session: StreamingSession) async throws -> UUID {
        if let video = active[session.id] { return video }
        guard let media else { throw RecordingFailure.unavailable("recording is not available on this server") }
        // Claimed before the first await: a second start while this one runs gets the same video.
        let id = UUID()
        active[session.id] = id
        let draft = VideoDraft(ownerId: session.hostId, title: session.title, description: session.description ?? "",
                               category: nil, visibility: session.isPrivate ? .followers : .public,
                               source: .recording, sessionId: session.id)
        let video: Video
        let path = library.files.final(id, container: .webm)
        do {
            video = try await library.store.videos.create(draft, id: id, now: library.now())
            try FileManager.default.createDirectory(atPath: library.files.folder(id), withIntermediateDirectories: true)
            try await library.store.videos.markProcessing(id: id, filePath: path, now: library.now())
        } catch {
            active[session.id] = nil
            throw error
        }
        do {
            try await media.startRecording(RecordingRequest(room: session.id.apiString, user: session.hostId.apiString, path: path))
        } catch {
            active[session.id] = nil
            await library.files.remove(video.id)
            try? await library.store.videos.markFailed(id: video.id, reason: "recording could not start", now: library.now())
            throw RecordingFailure.unavailable("recording could not start: \(error)")
        }
        // Stopped (the session ended) while this start was on its way: nothing may keep running.
        guard active[session.id] == id else {
            _ = await media.stopRecording(room: session.id.apiString)
            return id
        }
        logger.info("recording started", metadata: ["session": "\(session.id.apiString)", "video": "\(video.id.apiString)"])
        return video.id
    }

    /// Stops the session's recording (nothing when none runs) and makes its video ready.
    @discardableResult
    public func stop(_ session: UUID) async -> Video? {
        guard let videoID = active.removeValue(forKey: session) else { return nil }
        let outcome = await media?.stopRecording(room: session.apiString)
        // Counted on the packet path, said once here: what the recorder could not keep or use.
        logger.info("recording stopped", metadata: [
            "session": "\(session.apiString)", "video": "\(videoID.apiString)",
            "ms": "\(outcome?.durationMilliseconds ?? 0)", "dropped": "\(outcome?.droppedPackets ?? 0)",
            "rejected": "\(outcome?.rejectedPackets ?? 0)", "framesDropped": "\(outcome?.framesDropped ?? 0)"])
        guard let outcome, outcome.hasMedia, !outcome.writeFailed else {
            await library.files.remove(videoID)
            try? await library.store.videos.markFailed(id: videoID, reason: outcome?.writeFailed == true
                ? "the recording could not be written" : "nothing was recorded", now: library.now())
            return nil
        }
        return await finalize(videoID, path: outcome.path, crashed: false)
    }

    /// Stops every recording (server shutdown): each file is finished and its video made ready.
    public func stopAll() async {
        for session in Array(active.keys) { await stop(session) }
    }

    /// At start-up: recordings a crash left `processing` become ready up to their last whole
    /// cluster (marked incomplete), or failed when nothing in them plays.
    public func recoverInterrupted() async {
        guard let videos = try? await library.store.videos.unfinishedRecordings() else { return }
        for video in videos {
            let path = video.filePath ?? library.files.final(video.id, container: .webm)
            if await finalize(video.id, path: path, crashed: true) != nil {
                logger.notice("recovered a recording cut short", metadata: ["video": "\(video.id.apiString)"])
            }
        }
    }

    private func finalize(_ id: UUID, path: String, crashed: Bool) async -> Video? {
        let info: MediaInfo
        do {
            info = try await library.prober.probe(path: path, allowTruncatedTail: crashed)
        } catch {
            logger.warning("recording not playable", metadata: ["video": "\(id.apiString)", "error": "\(error)"])
            await library.files.remove(id)
            try? await library.store.videos.markFailed(id: id, reason: "the recording is not playable", now: library.now())
            return nil
        }
        let bytes = await library.files.size(of: path) ?? 0
        let media = VideoMedia(container: info.container.rawValue, videoCodec: info.video?.codec, audioCodec: info.audio?.codec,
                               durationMs: info.durationMs, width: info.video?.width, height: info.video?.height,
                               bytes: bytes, filePath: path,
                               thumbnailPath: await library.thumbnail(of: id, file: path, info: info),
                               incomplete: crashed || info.incomplete)
        guard let video = try? await library.store.videos.markReady(id: id, media: media, now: library.now()) else { return nil }
        if let renditions {
            let library = self.library
            let logger = self.logger
            Task.detached {
                guard let playlist = await renditions.make(from: path, into: library.files.folder(id) + "/hls") else {
                    logger.notice("no HLS rendition", metadata: ["video": "\(id.apiString)"])
                    return
                }
                try? await library.store.videos.setHLSPath(id: id, path: playlist, now: library.now())
            }
        }
        return video
    }
}

/// Why a recording could not start.
public enum RecordingFailure: Error, CustomStringConvertible, Sendable {
    case unavailable(String)

    public var description: String {
        switch self {
        case .unavailable(let why): why
        }
    }
}
