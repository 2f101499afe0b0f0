import Foundation
import Logging
import Store
import Testing
import TestSupport
@testable import LiveSessions

@Suite("video library: finishing uploads and sweeping abandoned ones")
struct VideoLibraryTests {
    final class Fixture: Sendable {
        let directory: String
        let store: Store
        let library: VideoLibrary

        init(now: @escaping @Sendable () -> Date = { Date() }) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("chobi-videos-\(UUID().uuidString)").path
            store = try Store.open(path: directory + "/chobi.sqlite", checkpointInterval: nil)
            library = VideoLibrary(store: store, directory: directory + "/videos", prober: VideoProber(ffprobe: nil), now: now)
        }

        func upload(_ bytes: [UInt8]) async throws -> Video {
            let owner = try await store.users.create(username: "u\(UInt32.random(in: 0...UInt32.max))", passwordHash: "x",
                                                     displayName: "U", now: Date())
            var video = try await store.videos.create(VideoDraft(ownerId: owner.id, title: "clip"), now: Date())
            try FileManager.default.createDirectory(atPath: library.files.folder(video.id), withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: library.files.partial(video.id), contents: Data(bytes))
            try await store.videos.recordUpload(id: video.id, bytes: Int64(bytes.count), expectedBytes: Int64(bytes.count), now: Date())
            video.bytes = Int64(bytes.count)
            video.expectedBytes = Int64(bytes.count)
            return video
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }
    }

    @Test("A WebM becomes ready with what the probe found, stored as video.webm")
    func ready() async throws {
        let fixture = try Fixture()
        let video = try await fixture.upload(EBML.file(durationMs: 4200, clusters: 2))
        guard case .success(let ready) = try await fixture.library.finishUpload(video) else {
            Issue.record("a valid WebM must be accepted")
            return
        }
        #expect(ready.status == .ready)
        #expect(ready.durationMs == 4200)
        #expect(ready.width == 640 && ready.height == 480 && ready.videoCodec == "V_VP8" && ready.audioCodec == "A_OPUS")
        #expect(ready.filePath == fixture.library.files.folder(video.id) + "/video.webm")
        #expect(FileManager.default.fileExists(atPath: ready.filePath ?? ""))
        #expect(!FileManager.default.fileExists(atPath: fixture.library.files.partial(video.id)))
    }

    @Test("A text file and an MP4 without ffprobe are refused: failed with the reason, folder removed")
    func refused() async throws {
        let fixture = try Fixture()
        for (bytes, words) in [(Array("just some notes\n".utf8), "a text file"),
                               ([0, 0, 0, 0x18] + Array("ftypmp42".utf8) + [UInt8](repeating: 0, count: 64), "ffprobe")] {
            let video = try await fixture.upload(bytes)
            guard case .failure(let refusal) = try await fixture.library.finishUpload(video) else {
                Issue.record("\(words): must be refused")
                continue
            }
            #expect(refusal.description.contains(words))
            let stored = try await fixture.store.videos.find(id: video.id)
            #expect(stored?.status == .failed && stored?.failure?.contains(words) == true)
            #expect(!FileManager.default.fileExists(atPath: fixture.library.files.folder(video.id)))
        }
    }

    @Test("An upload idle for a day is failed and its partial file removed; a fresh one is left alone")
    func sweep() async throws {
        let clock = Clock()
        let fixture = try Fixture(now: { clock.now })
        let idle = try await fixture.upload([1, 2, 3])
        let sweeper = UploadSweeper(library: fixture.library, logger: Logger(label: "test"))
        #expect(await sweeper.sweep() == 0)
        clock.now = Date().addingTimeInterval(86_400 + 60)
        #expect(await sweeper.sweep() == 1)
        #expect(try await fixture.store.videos.find(id: idle.id)?.status == .failed)
        #expect(!FileManager.default.fileExists(atPath: fixture.library.files.folder(idle.id)))
    }

    final class Clock: @unchecked Sendable {
        var now = Date()
    }
}
