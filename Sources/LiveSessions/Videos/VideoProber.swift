import Foundation
import MediaProbe
import NIOPosix

/// Decides whether a stored file is a playable video: our `WebMProbe` for WebM/Matroska (read
/// with `pread`, a few bytes at a time), `ffprobe` for MP4 when it is installed. Anything else is
/// refused with a message for the uploader.
public struct VideoProber: Sendable {
    /// ffprobe's path, nil when it is not installed (MP4 uploads are then refused).
    public let ffprobe: String?

    public init(ffprobe: String? = VideoProber.findFFprobe()) {
        self.ffprobe = ffprobe
    }

    public static func findFFprobe() -> String? {
        ["/usr/bin/ffprobe", "/usr/local/bin/ffprobe"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public enum Refusal: Error, CustomStringConvertible, Sendable {
        case notPlayable(String)
        public var description: String {
            switch self {
            case .notPlayable(let why): "not a playable video: \(why)"
            }
        }
    }

    public func probe(path: String, allowTruncatedTail: Bool = false) async throws -> MediaInfo {
        let head = try await NIOThreadPool.singleton.runIfActive { () -> [UInt8] in
            try Self.withFile(path) { fd, _ in Self.read(fd, offset: 0, count: 12) }
        }
        if FileSniffer.isMP4(head[...]) {
            guard let ffprobe else {
                throw Refusal.notPlayable("MP4 files need ffprobe on the server, which is not installed; upload WebM")
            }
            return try await FFprobe(path: ffprobe).probe(file: path)
        }
        let result = try await NIOThreadPool.singleton.runIfActive { () -> Result<MediaInfo, WebMError> in
            try Self.withFile(path) { fd, size in
                var probe = WebMProbe(fileSize: size, options: .init(allowTruncatedTail: allowTruncatedTail))
                while true {
                    switch probe.next() {
                    case let .read(offset, count): probe.provide(Self.read(fd, offset: offset, count: count))
                    case .finished(let info): return .success(info)
                    case .failed(let error): return .failure(error)
                    }
                }
            }
        }
        switch result {
        case .success(let info): return info
        case .failure(let error): throw Refusal.notPlayable(error.description)
        }
    }

    private static func withFile<T>(_ path: String, _ body: (Int32, UInt64) throws -> T) throws -> T {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw UploadFileError(description: "open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw UploadFileError(description: "fstat: \(String(cString: strerror(errno)))") }
        return try body(fd, UInt64(info.st_size))
    }

    private static func read(_ fd: Int32, offset: UInt64, count: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = buffer.withUnsafeMutableBytes { raw in pread(fd, raw.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
            if got < 0, errno == EINTR { continue }
            if got <= 0 { break }
            done += got
        }
        return Array(buffer.prefix(done))
    }
}

/// `ffprobe -show_streams -show_format -of json`, read into `MediaInfo` (MP4 only).
struct FFprobe: Sendable {
    let path: String

    private struct Output: Decodable {
        struct Stream: Decodable {
            var index: Int?
            var codec_type: String?
            var codec_name: String?
            var width: Int?
            var height: Int?
            var sample_rate: String?
            var channels: Int?
        }
        struct Format: Decodable { var duration: String? }
        var streams: [Stream]?
        var format: Format?
    }

    func probe(file: String) async throws -> MediaInfo {
        let data = try await NIOThreadPool.singleton.runIfActive { () -> Data in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = ["-v", "error", "-show_streams", "-show_format", "-of", "json", file]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw VideoProber.Refusal.notPlayable("ffprobe cannot read the file") }
            return data
        }
        guard let output = try? JSONDecoder().decode(Output.self, from: data) else {
            throw VideoProber.Refusal.notPlayable("ffprobe cannot read the file")
        }
        let tracks = (output.streams ?? []).compactMap { stream -> MediaInfo.Track? in
            guard let codec = stream.codec_name else { return nil }
            let kind: MediaInfo.Track.Kind = stream.codec_type == "video" ? .video : stream.codec_type == "audio" ? .audio : .other
            return MediaInfo.Track(number: UInt64(max(0, stream.index ?? 0)), kind: kind, codec: codec, width: stream.width,
                                   height: stream.height, sampleRate: stream.sample_rate.flatMap(Double.init),
                                   channels: stream.channels)
        }
        guard let video = tracks.first(where: { $0.kind == .video }) else { throw VideoProber.Refusal.notPlayable("the file has no video track") }
        guard ["h264", "av1", "vp9"].contains(video.codec) else {
            throw VideoProber.Refusal.notPlayable("unsupported video codec \"\(video.codec)\" in MP4 (H.264, VP9 or AV1 play in browsers)")
        }
        let seconds = output.format?.duration.flatMap(Double.init) ?? 0
        guard seconds.isFinite, seconds > 0 else { throw VideoProber.Refusal.notPlayable("the file has no duration") }
        return MediaInfo(container: .mp4, durationMs: Int64((seconds * 1000).rounded()), tracks: tracks)
    }
}
