import Foundation
import MediaProbe
import Store
import Synchronization
import Thumbnails
import NIOPosix

/// What the video procedures and routes share: the store, where files go, the prober, the upload
/// limit, and which uploads are being written right now (one request per video at a time).
public final class VideoLibrary: Sendable {
    public static let defaultMaxUploadBytes: Int64 = 2 << 30

    public let store: Store
    public let files: VideoFiles
    public let prober: VideoProber
    public let maxUploadBytes: Int64
    let notifier: Notifier?
    let now: @Sendable () -> Date
    private let writing = Mutex<Set<UUID>>([])

    public init(store: Store, directory: String, maxUploadBytes: Int64 = VideoLibrary.defaultMaxUploadBytes,
                prober: VideoProber = VideoProber(), notifier: Notifier? = nil,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.files = VideoFiles(directory: directory)
        self.prober = prober
        self.maxUploadBytes = maxUploadBytes
        self.notifier = notifier
        self.now = now
    }

    /// Claims the video for one upload request; false when another request is writing it.
    func beginWriting(_ id: UUID) -> Bool { writing.withLock { $0.insert(id).inserted } }
    func endWriting(_ id: UUID) { _ = writing.withLock { $0.remove(id) } }

    /// The upload is complete: probes the file and makes the video `ready`, or refuses it
    /// (`failed`, with the reason, and its files removed).
    func finishUpload(_ video: Video) async throws(StoreError) -> Result<Video, VideoProber.Refusal> {
        let partial = files.partial(video.id)
        try await store.videos.markProcessing(id: video.id, filePath: partial, now: now())
        let info: MediaInfo
        do {
            info = try await prober.probe(path: partial)
        } catch {
            let refusal = (error as? VideoProber.Refusal) ?? .notPlayable("the file cannot be read")
            await files.remove(video.id)
            try await store.videos.markFailed(id: video.id, reason: refusal.description, now: now())
            return .failure(refusal)
        }
        let final = files.final(video.id, container: info.container)
        do {
            try FileManager.default.moveItem(atPath: partial, toPath: final)
        } catch {
            await files.remove(video.id)
            try await store.videos.markFailed(id: video.id, reason: "the file could not be stored", now: now())
            return .failure(.notPlayable("the file could not be stored"))
        }
        let media = VideoMedia(container: info.container.rawValue, videoCodec: info.video?.codec, audioCodec: info.audio?.codec,
                               durationMs: info.durationMs, width: info.video?.width, height: info.video?.height,
                               bytes: video.expectedBytes ?? video.bytes, filePath: final,
                               thumbnailPath: await thumbnail(of: video.id, file: final, info: info),
                               incomplete: info.incomplete)
        return .success(try await store.videos.markReady(id: video.id, media: media, now: now()))
    }

    /// Largest keyframe decoded for a thumbnail (a 4K VP8 keyframe is well under this).
    static let maxKeyframeBytes: UInt64 = 4 << 20

    /// `thumbnail.png` beside the video, from its first keyframe; nil when there is none or the
    /// codec is not one we decode (the video plays all the same).
    func thumbnail(of id: UUID, file: String, info: MediaInfo) async -> String? {
        guard let span = info.firstVideoKeyframe, span.count <= Self.maxKeyframeBytes, let codec = info.video?.codec else {
            return nil
        }
        let path = files.folder(id) + "/thumbnail.png"
        return try? await NIOThreadPool.singleton.runIfActive { () -> String? in
            guard let handle = FileHandle(forReadingAtPath: file) else { return nil }
            defer { try? handle.close() }
            try handle.seek(toOffset: span.offset)
            guard let data = try handle.read(upToCount: Int(span.count)), data.count == Int(span.count),
                  let png = try? Thumbnail.png(codec: codec, keyframe: [UInt8](data)) else { return nil }
            try Data(png).write(to: URL(fileURLWithPath: path))
            return path
        } ?? nil
    }
}
