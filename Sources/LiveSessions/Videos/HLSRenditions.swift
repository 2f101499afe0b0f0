import Foundation

/// An HLS rendition (H.264/AAC) of a finished video, made by Debian's `ffmpeg` when it is
/// installed: `index.m3u8` and its segments in a folder beside the WebM. Browsers without WebM
/// (Safari on iOS) play this. Bounded in time; a failure leaves no folder and the video plays
/// from its WebM as before.
public struct HLSRenditions: Sendable {
    public let ffmpeg: String
    public let timeLimit: Duration

    public init(ffmpeg: String, timeLimit: Duration = .seconds(600)) {
        self.ffmpeg = ffmpeg
        self.timeLimit = timeLimit
    }

    /// nil when ffmpeg is not installed.
    public static func detect() -> HLSRenditions? {
        ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first { FileManager.default.isExecutableFile(atPath: $0) }
            .map { HLSRenditions(ffmpeg: $0) }
    }

    /// Names a rendition's files may have: what the route serves, nothing else.
    public static func isRenditionFile(_ name: String) -> Bool {
        guard name.count <= 40, !name.hasPrefix("."), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") }) else {
            return false
        }
        return name == "index.m3u8" || name.hasSuffix(".ts")
    }

    /// Writes the rendition into `folder`; returns the playlist's path, nil on failure or timeout.
    /// ffmpeg runs as a child process the task awaits (no pool thread waits minutes on it).
    public func make(from file: String, into folder: String) async -> String? {
        try? FileManager.default.removeItem(atPath: folder)
        guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ffmpeg)
        process.arguments = ["-nostdin", "-v", "error", "-y", "-i", file,
                             "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                             "-c:a", "aac", "-b:a", "128k",
                             "-f", "hls", "-hls_time", "4", "-hls_playlist_type", "vod",
                             "-hls_segment_filename", folder + "/segment_%05d.ts", folder + "/index.m3u8"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let exited: Bool = await withCheckedContinuation { continuation in
            process.terminationHandler = { finished in
                continuation.resume(returning: finished.terminationReason == .exit && finished.terminationStatus == 0)
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(returning: false)
                return
            }
            let limit = timeLimit
            Task.detached {
                try? await Task.sleep(for: limit)
                if process.isRunning { process.terminate() }
            }
        }
        let playlist = folder + "/index.m3u8"
        guard exited, FileManager.default.fileExists(atPath: playlist) else {
            try? FileManager.default.removeItem(atPath: folder)
            return nil
        }
        return playlist
    }
}
