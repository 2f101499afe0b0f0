import Synchronization
import Testing
@testable import LiveSessions

@Suite("chat lanes: one room's work in order, other rooms alongside")
struct ChatLanesTests {
    @Test("jobs of one room run one at a time in the order they came, whoever queued them")
    func order() async {
        let lanes = ChatLanes(count: 4)
        let seen = Seen()
        for i in 0..<200 {
            lanes.enqueue(room: "r") {
                // A job that yields midway must still finish before the next one starts.
                await Task.yield()
                seen.append(i)
            }
        }
        let count = await lanes.perform(room: "r") { seen.values.count }
        #expect(count == 200, "perform runs after everything queued before it")
        #expect(seen.values == Array(0..<200))
    }

    final class Seen: Sendable {
        private let storage = Mutex<[Int]>([])
        func append(_ value: Int) { storage.withLock { $0.append(value) } }
        var values: [Int] { storage.withLock { $0 } }
    }

    @Test("a room whose job waits does not hold up a room on another lane")
    func independence() async {
        let lanes = ChatLanes(count: 8)
        let rooms = (0..<64).map { "room-\($0)" }
        let blocked = rooms[0]
        guard let other = rooms.first(where: { ChatLanes.index(of: $0, count: 8) != ChatLanes.index(of: blocked, count: 8) }) else {
            Issue.record("no room on another lane")
            return
        }
        let (gate, open) = AsyncStream.makeStream(of: Void.self)
        lanes.enqueue(room: blocked) { for await _ in gate { break } }
        let answer = await lanes.perform(room: other) { 42 }
        #expect(answer == 42)
        open.yield()
        open.finish()
        #expect(await lanes.perform(room: blocked) { "after" } == "after")
    }

    @Test("errors come back typed")
    func errors() async {
        struct Refused: Error, Equatable {}
        let lanes = ChatLanes(count: 1)
        await #expect(throws: Refused.self) {
            try await lanes.perform(room: "r") { () async throws(Refused) -> Int in throw Refused() }
        }
    }
}
