import Foundation
import Testing
@testable import Store

extension Store {
    /// A video as an upload makes it, then probed and ready.
    func makeReadyVideo(owner: UUID, title: String, description: String = "", tags: [String] = [],
                        visibility: VideoVisibility = .public, category: String? = nil, now: Date = at(10)) async throws -> Video {
        let draft = VideoDraft(ownerId: owner, title: title, description: description, category: category, tags: tags,
                               visibility: visibility)
        let video = try await videos.create(draft, now: now)
        return try await videos.markReady(id: video.id, media: VideoMedia(
            container: "webm", videoCodec: "V_VP8", audioCodec: "A_OPUS", durationMs: 5000, width: 640, height: 480,
            bytes: 1000, filePath: "/tmp/\(video.id).webm"), now: now)
    }
}

@Suite("Videos: lifecycle, counters, search and visibility")
struct VideoRepositoryTests {
    @Test("An upload is created uploading, records its offset, becomes ready or failed (files cleared)")
    func lifecycle() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let owner = try await store.makeUser("owner")
        let video = try await store.videos.create(VideoDraft(ownerId: owner.id, title: "Clip", tags: ["a", "b"]), now: at(1))
        #expect(video.status == .uploading)
        #expect(video.tags == ["a", "b"])
        try await store.videos.recordUpload(id: video.id, bytes: 4096, expectedBytes: 10_000, now: at(2))
        let stored = try await store.videos.find(id: video.id)
        #expect(stored?.bytes == 4096)
        #expect(stored?.expectedBytes == 10_000)
        try await store.videos.markProcessing(id: video.id, filePath: "/x", now: at(3))
        try await store.videos.markFailed(id: video.id, reason: "not a playable video: a text file", now: at(4))
        let failed = try await store.videos.find(id: video.id)
        #expect(failed?.status == .failed)
        #expect(failed?.filePath == nil)
        #expect(failed?.failure == "not a playable video: a text file")
        await #expect(throws: StoreError.self) {
            try await store.videos.recordUpload(id: video.id, bytes: 1, expectedBytes: 1, now: at(5))
        }
        await #expect(throws: StoreError.invalidInput("category: unknown category \"nope\"")) {
            _ = try await store.videos.create(VideoDraft(ownerId: owner.id, title: "x", category: "nope"), now: at(1))
        }
    }

    @Test("20 concurrent clients like twice, comment three times, view twice, delete a comment: counts equal rows")
    func countersUnderConcurrency() async throws {
        let file = TemporaryDatabase()
        let first = try file.open()
        let second = try file.open()  // a second pool on the same file, as a second process would have
        let owner = try await first.makeUser("owner")
        let video = try await first.makeReadyVideo(owner: owner.id, title: "Busy")
        var users: [User] = []
        for i in 0..<20 { users.append(try await first.makeUser("fan\(i)")) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (i, user) in users.enumerated() {
                let store = i.isMultiple(of: 2) ? first : second
                group.addTask {
                    _ = try await store.videos.like(videoId: video.id, userId: user.id, now: at(20))
                    _ = try await store.videos.like(videoId: video.id, userId: user.id, now: at(21))
                    var mine: [Int64] = []
                    for n in 0..<3 {
                        mine.append(try await store.videos.addComment(videoId: video.id, userId: user.id, body: "c\(n)", now: at(22)).id)
                    }
                    // Deleted twice: the second changes nothing.
                    _ = try await store.videos.deleteComment(videoId: video.id, commentId: mine[0], requesterId: user.id, now: at(23))
                    _ = try? await store.videos.deleteComment(videoId: video.id, commentId: mine[0], requesterId: user.id, now: at(23))
                    _ = try await store.videos.recordView(videoId: video.id, viewer: "u:\(user.id)", watchedSeconds: 10, now: at(30))
                    _ = try await store.videos.recordView(videoId: video.id, viewer: "u:\(user.id)", watchedSeconds: 5, now: at(60))
                    if i < 5 { _ = try await store.videos.unlike(videoId: video.id, userId: user.id) }
                }
            }
            try await group.waitForAll()
        }
        let after = try #require(try await first.videos.find(id: video.id))
        let rows = try await first.videos.recount(videoId: video.id)
        #expect(after.likeCount == 15 && rows.likes == 15)
        #expect(after.commentCount == 40 && rows.comments == 40)
        #expect(after.viewCount == 20 && rows.views == 20)
        #expect(after.watchSeconds == 300)
    }

    @Test("A view counts once per viewer per hour; later calls in the hour add watch time")
    func viewsPerHour() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let owner = try await store.makeUser("owner")
        let video = try await store.makeReadyVideo(owner: owner.id, title: "Once")
        let a = try await store.videos.recordView(videoId: video.id, viewer: "a:1", watchedSeconds: 30, now: at(100))
        let b = try await store.videos.recordView(videoId: video.id, viewer: "a:1", watchedSeconds: 30, now: at(100 + 3599))
        let c = try await store.videos.recordView(videoId: video.id, viewer: "a:1", watchedSeconds: 30, now: at(100 + 3601))
        let d = try await store.videos.recordView(videoId: video.id, viewer: "a:2", watchedSeconds: 99_999, now: at(200))
        #expect([a.counted, b.counted, c.counted, d.counted] == [true, false, true, true])
        #expect(d.viewCount == 3)
        #expect(d.watchSeconds == 90 + VideoRepository.maxWatchedSecondsPerCall, "one report adds at most six hours")
    }

    @Test("A comment is deleted by its author or the video's owner, no one else")
    func commentDeletion() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let owner = try await store.makeUser("owner")
        let author = try await store.makeUser("author")
        let other = try await store.makeUser("other")
        let video = try await store.makeReadyVideo(owner: owner.id, title: "Talk")
        let one = try await store.videos.addComment(videoId: video.id, userId: author.id, body: "one", now: at(1))
        let two = try await store.videos.addComment(videoId: video.id, userId: author.id, body: "two", now: at(2))
        #expect(try await store.videos.deleteComment(videoId: video.id, commentId: one.id, requesterId: other.id, now: at(3)) == .forbidden)
        #expect(try await store.videos.deleteComment(videoId: video.id, commentId: one.id, requesterId: author.id, now: at(3))
                == .deleted(commentCount: 1))
        #expect(try await store.videos.deleteComment(videoId: video.id, commentId: two.id, requesterId: owner.id, now: at(3))
                == .deleted(commentCount: 0))
        #expect(try await store.videos.comments(videoId: video.id, cursor: nil, limit: 10).comments.isEmpty)
        await #expect(throws: StoreError.commentNotFound(one.id)) {
            _ = try await store.videos.deleteComment(videoId: video.id, commentId: one.id, requesterId: author.id, now: at(4))
        }
    }

    @Test("Search: words in title, description or tags; FTS syntax in the text is matched literally, never parsed")
    func search() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let owner = try await store.makeUser("owner")
        let surf = try await store.makeReadyVideo(owner: owner.id, title: "Café surfing", description: "big waves",
                                                  tags: ["ocean"], now: at(1))
        let cook = try await store.makeReadyVideo(owner: owner.id, title: "Cooking pasta", description: "NEAR the sea",
                                                  tags: ["food", "italy"], now: at(2))
        func ids(_ text: String) async throws -> [UUID] {
            try await store.videos.page(VideoQuery(search: text)).videos.map(\.id)
        }
        #expect(try await ids("cafe") == [surf.id], "diacritics folded")
        #expect(try await ids("surf") == [surf.id], "the last word is a prefix")
        #expect(try await ids("ocean") == [surf.id], "tags are searched")
        #expect(try await ids("italy pasta") == [cook.id], "words are ANDed")
        #expect(try await ids("sea OR ocean").isEmpty, "OR is a word to match here, not an operator")
        for hostile in ["\"", "title:secret", "NEAR(a b)", "a AND", "*", "(", "^x", "\"unterminated", "--", "' OR 1=1 --", "a:b:c"] {
            _ = try await ids(hostile)  // no FTS5 syntax error escapes
        }
        #expect(try await ids("NEAR") == [cook.id])
        _ = try await store.videos.delete(id: surf.id)
        #expect(try await ids("ocean").isEmpty, "the index follows deletes")
    }

    @Test("Visibility: public to all, followers to followers and the owner, private to the owner alone")
    func visibility() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let owner = try await store.makeUser("owner")
        let fan = try await store.makeUser("fan")
        let stranger = try await store.makeUser("stranger")
        _ = try await store.users.follow(followerId: fan.id, followeeId: owner.id, now: at(1))
        let open = try await store.makeReadyVideo(owner: owner.id, title: "open", visibility: .public, now: at(1))
        let fans = try await store.makeReadyVideo(owner: owner.id, title: "fans", visibility: .followers, now: at(2))
        let mine = try await store.makeReadyVideo(owner: owner.id, title: "mine", visibility: .private, now: at(3))
        func listed(_ viewer: UUID?) async throws -> Set<UUID> {
            Set(try await store.videos.page(VideoQuery(viewerId: viewer)).videos.map(\.id))
        }
        #expect(try await listed(nil) == [open.id])
        #expect(try await listed(stranger.id) == [open.id])
        #expect(try await listed(fan.id) == [open.id, fans.id])
        #expect(try await listed(owner.id) == [open.id, fans.id, mine.id])
        #expect(try await store.videos.canSee(fans, viewerId: fan.id))
        #expect(!(try await store.videos.canSee(fans, viewerId: stranger.id)))
        #expect(!(try await store.videos.canSee(mine, viewerId: fan.id)))
        #expect(VideoAccess.decide(visibility: .followers, ownerId: owner.id, viewerId: nil) == .denied)
        #expect(VideoAccess.decide(visibility: .private, ownerId: owner.id, viewerId: owner.id) == .allowed)
    }

    @Test("Pages: recent and popular orders, keyset cursors visit every video once; uploads in progress stay unlisted")
    func paging() async throws {
        let file = TemporaryDatabase()
        let store = try file.open()
        let owner = try await store.makeUser("owner")
        var made: [Video] = []
        for i in 0..<7 {
            let video = try await store.makeReadyVideo(owner: owner.id, title: "v\(i)", now: at(Double(i)))
            for v in 0..<(i % 3) {
                _ = try await store.videos.recordView(videoId: video.id, viewer: "a:\(v)", watchedSeconds: 1, now: at(100))
            }
            made.append(video)
        }
        _ = try await store.videos.create(VideoDraft(ownerId: owner.id, title: "in progress"), now: at(50))
        for sort in VideoSort.allCases {
            var seen: [UUID] = []
            var cursor: VideoCursor?
            repeat {
                let page = try await store.videos.page(VideoQuery(sort: sort, cursor: cursor, limit: 3))
                seen += page.videos.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen.count == 7 && Set(seen) == Set(made.map(\.id)), "\(sort)")
        }
        let recent = try await store.videos.page(VideoQuery(limit: 2)).videos.map(\.title)
        #expect(recent == ["v6", "v5"])
        let popular = try await store.videos.page(VideoQuery(sort: .popular, limit: 3)).videos.map(\.title)
        #expect(popular == ["v5", "v2", "v4"])
        let own = try await store.videos.page(VideoQuery(viewerId: owner.id, ownerId: owner.id, limit: 50)).videos
        #expect(own.count == 8, "an owner listing their own sees uploads in progress")
    }

    @Test("Search text becomes quoted terms: quotes doubled, punctuation-only words dropped, last word a prefix")
    func searchText() {
        #expect(VideoSearchText.matchExpression("surf cafe") == "\"surf\" \"cafe\"*")
        #expect(VideoSearchText.matchExpression("say \"hi\"") == "\"say\" \"\"\"hi\"\"\"*")
        #expect(VideoSearchText.matchExpression("title:x OR y") == "\"title:x\" \"OR\" \"y\"*")
        #expect(VideoSearchText.matchExpression("  -- ** ") == nil)
        #expect(VideoSearchText.matchExpression(String(repeating: "w ", count: 50))?.split(separator: " ").count == 8)
    }
}
