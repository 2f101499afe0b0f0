import Foundation
import Logging
import SFU
import Store
import Testing
import TestSupport
@testable import LiveSessions

/// A media plane that "records" by writing a prepared WebM at the requested path.
private final class FakeRecorder: RecordingMediaPlane, @unchecked Sendable {
    let file: [UInt8]
    private let lock = NSLock()
    private var running: [String: RecordingRequest] = [:]

    init(file: [UInt8]) { self.file = file }

    func startRecording(_ request: RecordingRequest) async throws(MediaPlaneError) {
        let started = lock.withLock { () -> Bool in
            guard running[request.room + "/" + request.user] == nil else { return false }
            running[request.room + "/" + request.user] = request
            return true
        }
        guard started else { throw .conflict("already recording") }
    }

    func stopRecording(room: String, user: String) async -> RecordingOutcome? {
        guard let request = lock.withLock({ running.removeValue(forKey: room + "/" + user) }) else { return nil }
        FileManager.default.createFile(atPath: request.path, contents: Data(file))
        return RecordingOutcome(path: request.path, bytes: file.count, durationMilliseconds: 4200, hasMedia: !file.isEmpty,
                                droppedPackets: 0, writeFailed: false)
    }
}

@Suite("session recordings: from a live session to a library video")
struct SessionRecordingsTests {
    private struct Fixture {
        let directory: String
        let store: Store
        let library: VideoLibrary

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("chobi-rec-\(UUID().uuidString)").path
            store = try Store.open(path: directory + "/chobi.sqlite", checkpointInterval: nil)
            library = VideoLibrary(store: store, directory: directory + "/videos", prober: VideoProber(ffprobe: nil))
        }

        func session(private isPrivate: Bool = false) async throws -> StreamingSession {
            let host = try await store.users.create(username: "h\(UInt32.random(in: 0...UInt32.max))", passwordHash: "x",
                                                    displayName: "Host", now: Date())
            return try await store.sessions.create(hostId: host.id, title: "Evening live", description: nil, category: nil,
                                                   isPrivate: isPrivate, now: Date())
        }
    }

    @Test("A stopped recording is a ready video of the host, titled like the session")
    func stoppedBecomesReady() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(atPath: fixture.directory) }
        let recordings = SessionRecordings(library: fixture.library, media: FakeRecorder(file: EBML.file(durationMs: 4200, clusters: 2)),
                                           renditions: nil, logger: Logger(label: "test"))
        let session = try await fixture.session(private: true)
        let id = try await recordings.start(session)
        #expect(try await recordings.start(session) == id)
        #expect(try await fixture.store.videos.find(id: id)?.status == .processing)
        let video = try #require(await recordings.stop(session.id))
        #expect(video.id == id && video.status == .ready && video.source == .recording)
        #expect(video.ownerId == session.hostId && video.title == "Evening live" && video.sessionId == session.id)
        #expect(video.visibility == .followers && video.durationMs == 4200 && !video.incomplete)
        #expect(await recordings.stop(session.id) == nil)
    }

    @Test("A recording with nothing in it fails and leaves no folder")
    func emptyFails() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(atPath: fixture.directory) }
        let recordings = SessionRecordings(library: fixture.library, media: FakeRecorder(file: []), renditions: nil,
                                           logger: Logger(label: "test"))
        let session = try await fixture.session()
        let id = try await recordings.start(session)
        #expect(await recordings.stop(session.id) == nil)
        let video = try #require(try await fixture.store.videos.find(id: id))
        #expect(video.status == .failed)
        #expect(!FileManager.default.fileExists(atPath: fixture.library.files.folder(id)))
    }

    @Test("At start-up a recording a crash cut short is ready up to its last cluster, marked incomplete")
    func crashRecovered() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(atPath: fixture.directory) }
        let session = try await fixture.session()
        let draft = VideoDraft(ownerId: session.hostId, title: session.title, source: .recording, sessionId: session.id)
        let video = try await fixture.store.videos.create(draft, now: Date())
        let path = fixture.library.files.final(video.id, container: .webm)
        try FileManager.default.createDirectory(atPath: fixture.library.files.folder(video.id), withIntermediateDirectories: true)
        // What a kill -9 leaves: no Duration, and the last cluster cut in the middle.
        let whole = EBML.file(durationMs: nil, clusters: 3)
        FileManager.default.createFile(atPath: path, contents: Data(whole.prefix(whole.count - 7)))
        try await fixture.store.videos.markProcessing(id: video.id, filePath: path, now: Date())
        let recordings = SessionRecordings(library: fixture.library, media: nil, renditions: nil, logger: Logger(label: "test"))
        await recordings.recoverInterrupted()
        let recovered = try #require(try await fixture.store.videos.find(id: video.id))
        #expect(recovered.status == .ready && recovered.incomplete)
        #expect((recovered.durationMs ?? 0) > 0)
        #expect(try await fixture.store.videos.unfinishedRecordings().isEmpty)
    }

    @Test("Without a media plane that records, starting is refused with a reason")
    func unavailable() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(atPath: fixture.directory) }
        let recordings = SessionRecordings(library: fixture.library, media: nil, renditions: nil, logger: Logger(label: "test"))
        await #expect(throws: RecordingFailure.self) { try await recordings.start(try await fixture.session()) }
    }

    @Test("Every publisher is recorded: guests on stage when it starts and guests who come on later, each into a video of their own")
    func guestsRecorded() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(atPath: fixture.directory) }
        let recordings = SessionRecordings(library: fixture.library, media: FakeRecorder(file: EBML.file(durationMs: 4200, clusters: 2)),
                                           renditions: nil, logger: Logger(label: "test"))
        let session = try await fixture.session()
        func guest(_ name: String) async throws -> UUID {
            let user = try await fixture.store.users.create(username: "\(name.lowercased())\(UInt32.random(in: 0...UInt32.max))",
                                                            passwordHash: "x", displayName: name, now: Date())
            _ = try await fixture.store.sessions.invite(sessionId: session.id, userId: user.id, now: Date())
            _ = try await fixture.store.sessions.respondToInvite(sessionId: session.id, userId: user.id, accept: true,
                                                                 maxGuests: 3, now: Date())
            return user.id
        }
        let early = try await guest("Asha")
        let hostVideo = try await recordings.start(session)
        #expect(Set(await recordings.videos(of: session.id).keys) == [session.hostId, early])
        let late = try await guest("Bilal")
        await recordings.guestJoined(session.id, guest: late)
        await recordings.guestJoined(session.id, guest: late)  // twice: still one recording
        let videos = await recordings.videos(of: session.id)
        #expect(videos.count == 3 && videos[session.hostId] == hostVideo)

        let host = try #require(await recordings.stop(session.id))
        #expect(host.id == hostVideo && host.ownerId == session.hostId && host.status == .ready)
        for (user, name) in [(early, "Asha"), (late, "Bilal")] {
            let id = try #require(videos[user])
            let video = try #require(try await fixture.store.videos.find(id: id))
            #expect(video.ownerId == user && video.status == .ready && video.sessionId == session.id)
            #expect(video.title == "Evening live — \(name)")
        }
        // Not recording any more: a guest arriving now starts nothing.
        await recordings.guestJoined(session.id, guest: try await guest("Chen"))
        #expect(await recordings.videos(of: session.id).isEmpty)
    }
}
