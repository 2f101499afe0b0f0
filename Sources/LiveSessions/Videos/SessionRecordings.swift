import Foundation
import Logging
import MediaProbe
import SFU
import Store

/// Live sessions recorded into the video library: each publisher (the host, and every guest on
/// stage while the recording runs) into a `processing` video of their own whose WebM the media
/// plane writes while they are live; when it stops (the host switched it off, or the session
/// ended) each file is finished, probed and its video becomes `ready`, with a thumbnail, and an
/// HLS rendition follows in the background when ffmpeg is installed. A recording a crash cut
/// short is found at start-up, still `processing`, and made ready as far as its last whole
/// cluster, marked incomplete.
public actor SessionRecordings {
    let library: VideoLibrary
    let media: (any RecordingMediaPlane)?
    let renditions: HLSRenditions?
    let logger: Logger
    /// Recording now, by session: each publisher's video, by user.
    private var active: [UUID: Recording] = [:]

    private struct Recording {
        let session: StreamingSession
        var videos: [UUID: UUID] = [:]
    }

    public init(library: VideoLibrary, media: (any RecordingMediaPlane)?, renditions: HLSRenditions? = HLSRenditions.detect(),
                logger: Logger) {
        self.library = library
        self.media = media
        self.renditions = renditions
        self.logger = logger
    }

    public func isRecording(_ session: UUID) -> Bool { active[session] != nil }

    /// The video each publisher of `session` is being recorded into, by user.
    public func videos(of session: UUID) -> [UUID: UUID] { active[session]?.videos ?? [:] }

    /// Starts recording `session`: its host, and the guests it has accepted, each into a video of
    /// their own; returns the host's. Starting twice is harmless (the running recording's video
    /// comes back).
    @discardableResult
    public func start(_ session: StreamingSession) async throws -> UUID {
        if let video = active[session.id]?.videos[session.hostId] { return video }
        guard media != nil else { throw RecordingFailure.unavailable("recording is not available on this server") }
        if active[session.id] == nil { active[session.id] = Recording(session: session) }
        let video: UUID
        do {
            video = try await startPublisher(session, user: session.hostId, title: session.title)
        } catch {
            if active[session.id]?.videos.isEmpty == true { active[session.id] = nil }
            throw error
        }
        for guest in (try? await library.store.sessions.acceptedGuests(sessionId: session.id)) ?? [] {
            await guestJoined(session.id, guest: guest)
        }
        return video
    }

    /// A guest came on stage (accepted the host's invite): while the session records, their audio
    /// and video go into a video of their own, titled with the session's title and their name.
    public func guestJoined(_ sessionId: UUID, guest: UUID) async {
        guard let recording = active[sessionId], recording.videos[guest] == nil, guest != recording.session.hostId else { return }
        let name = (try? await library.store.users.find(id: guest))?.displayName ?? "guest"
        do {
            _ = try await startPublisher(recording.session, user: guest, title: "\(recording.session.title) — \(name)")
        } catch {
            logger.warning("a guest's recording did not start", metadata: [
                "session": "\(sessionId.apiString)", "user": "\(guest.apiString)", "error": "\(error)"])
        }
    }

    /// One publisher's recording: its video (owned by the publisher), its folder, the media
    /// plane's recorder. The slot is claimed before the first await, so a second start while this
    /// one runs finds it.
    private func startPublisher(_ session: StreamingSession, user: UUID, title: String) async throws -> UUID {
        guard let media else { throw RecordingFailure.unavailable("recording is not available on this server") }
        let id = UUID()
        active[session.id]?.videos[user] = id
        let draft = VideoDraft(ownerId: user, title: String(title.prefix(200)), description: session.description ?? "",
                               category: nil, visibility: session.isPrivate ? .followers : .public,
                               source: .recording, sessionId: session.id)
        let path = library.files.final(id, container: .webm)
        do {
            _ = try await library.store.videos.create(draft, id: id, now: library.now())
            try FileManager.default.createDirectory(atPath: library.files.folder(id), withIntermediateDirectories: true)
            try await library.store.videos.markProcessing(id: id, filePath: path, now: library.now())
        } catch {
            if active[session.id]?.videos[user] == id { active[session.id]?.videos[user] = nil }
            throw error
        }
        do {
            try await media.startRecording(RecordingRequest(room: session.id.apiString, user: user.apiString, path: path))
        } catch {
            if active[session.id]?.videos[user] == id { active[session.id]?.videos[user] = nil }
            await library.files.remove(id)
            try? await library.store.videos.markFailed(id: id, reason: "recording could not start", now: library.now())
            throw RecordingFailure.unavailable("recording could not start: \(error)")
        }
        // Stopped (the session ended) while this start was on its way: nothing may keep running.
        guard active[session.id]?.videos[user] == id else {
            if let outcome = await media.stopRecording(room: session.id.apiString, user: user.apiString) {
                _ = await settle(id, outcome: outcome, session: session.id)
            }
            return id
        }
        logger.info("recording started", metadata: [
            "session": "\(session.id.apiString)", "user": "\(user.apiString)", "video": "\(id.apiString)"])
        return id
    }

    /// Stops the session's recordings (nothing when none runs) and makes their videos ready;
    /// returns the host's.
    @discardableResult
    public func stop(_ session: UUID) async -> Video? {
        guard let recording = active.removeValue(forKey: session) else { return nil }
        var hostVideo: Video?
        for (user, videoID) in recording.videos.sorted(by: { $0.key.storeKey < $1.key.storeKey }) {
            let outcome = await media?.stopRecording(room: session.apiString, user: user.apiString)
            let video = await settle(videoID, outcome: outcome, session: session)
            if user == recording.session.hostId { hostVideo = video }
        }
        return hostVideo
    }

    /// A stopped recorder's file made a ready video, or the video failed (nothing recorded, the
    /// file could not be written).
    private func settle(_ videoID: UUID, outcome: RecordingOutcome?, session: UUID) async -> Video? {
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
