import Foundation
import Logging
import ServiceLifecycle
import Store

/// Removes uploads nobody finished: a video still `uploading` a day after its last byte becomes
/// `failed` ("the upload was abandoned") and its partial file is deleted, so a client that walks
/// away does not hold disk space forever. Runs at start and then every hour.
public struct UploadSweeper: Service {
    let library: VideoLibrary
    let logger: Logger
    let maxIdle: Duration
    let interval: Duration

    public init(library: VideoLibrary, logger: Logger, maxIdle: Duration = .seconds(86_400), interval: Duration = .seconds(3_600)) {
        self.library = library
        self.logger = logger
        self.maxIdle = maxIdle
        self.interval = interval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await sweep()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// - Returns: how many uploads were removed.
    @discardableResult
    public func sweep() async -> Int {
        let idle = Double(maxIdle.components.seconds) + Double(maxIdle.components.attoseconds) / 1e18
        let cutoff = library.now().addingTimeInterval(-idle)
        do {
            var removed = 0
            for video in try await library.store.videos.abandonedUploads(before: cutoff) where library.beginWriting(video.id) {
                defer { library.endWriting(video.id) }
                await library.files.remove(video.id)
                try await library.store.videos.markFailed(id: video.id, reason: "the upload was abandoned", now: library.now())
                removed += 1
            }
            if removed > 0 { logger.info("videos: abandoned uploads removed", metadata: ["count": "\(removed)"]) }
            return removed
        } catch {
            logger.warning("videos: sweeping abandoned uploads failed", metadata: ["error": "\(error)"])
            return 0
        }
    }
}
