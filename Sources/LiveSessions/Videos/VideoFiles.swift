import Foundation
#if canImport(Glibc)
import Glibc
#endif
import MediaProbe
import NIOPosix

/// Where a video's files live (`<directory>/<video id>/`: `upload.part` while bytes arrive,
/// `video.webm` or `video.mp4` once accepted), and the blocking file calls, run on NIO's thread
/// pool so that no request's task blocks a cooperative thread on a disk write or an fsync.
public struct VideoFiles: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func folder(_ id: UUID) -> String { directory + "/" + id.uuidString.lowercased() }
    public func partial(_ id: UUID) -> String { folder(id) + "/upload.part" }
    public func final(_ id: UUID, container: MediaInfo.Container) -> String {
        folder(id) + (container == .mp4 ? "/video.mp4" : "/video.webm")
    }

    /// Removes everything stored for the video (nothing when there is nothing).
    public func remove(_ id: UUID) async {
        let path = folder(id)
        _ = try? await NIOThreadPool.singleton.runIfActive { try? FileManager.default.removeItem(atPath: path) }
    }

    public func size(of path: String) async -> Int64? {
        try? await NIOThreadPool.singleton.runIfActive {
            (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
        } ?? nil
    }
}

/// Failures of the upload file calls, with errno's text.
public struct UploadFileError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// An upload's partial file, open for writing at an offset. Writes go through `pwrite`; `sync()`
/// is `fsync`, called before an offset is recorded as received.
final class UploadFile: @unchecked Sendable {
    // The descriptor is used by one request at a time (the upload route holds a lock per video).
    private let fd: Int32

    private init(fd: Int32) {
        self.fd = fd
    }

    /// Opens (creating the folder and file) and cuts the file to `offset`: bytes past the last
    /// recorded offset were never acknowledged, and the client sends them again.
    static func open(path: String, truncatingTo offset: Int64) async throws -> UploadFile {
        try await NIOThreadPool.singleton.runIfActive {
            let folder = (path as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o640)
            guard fd >= 0 else { throw UploadFileError(description: "open: \(String(cString: strerror(errno)))") }
            guard ftruncate(fd, off_t(offset)) == 0 else {
                let reason = String(cString: strerror(errno))
                Glibc.close(fd)
                throw UploadFileError(description: "ftruncate: \(reason)")
            }
            return UploadFile(fd: fd)
        }
    }

    func write(_ bytes: [UInt8], at offset: Int64) async throws {
        let fd = self.fd
        try await NIOThreadPool.singleton.runIfActive {
            var done = 0
            while done < bytes.count {
                let written = bytes.withUnsafeBytes { raw in
                    pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(offset) + off_t(done))
                }
                if written < 0 {
                    if errno == EINTR { continue }
                    throw UploadFileError(description: "write: \(String(cString: strerror(errno)))")
                }
                done += written
            }
        }
    }

    func sync() async throws {
        let fd = self.fd
        try await NIOThreadPool.singleton.runIfActive {
            guard fsync(fd) == 0 else { throw UploadFileError(description: "fsync: \(String(cString: strerror(errno)))") }
        }
    }

    func close() async {
        let fd = self.fd
        _ = try? await NIOThreadPool.singleton.runIfActive { Glibc.close(fd) }
    }
}
