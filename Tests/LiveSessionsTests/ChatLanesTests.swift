import Foundation
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
        // Running (dispatched) and stuck until the gate opens.
        lanes.dispatch(room: blocked) { for await _ in gate { break } }
        let answer = await lanes.perform(room: other) { 42 }
        #expect(answer == 42)
        open.yield()
        open.finish()
        #expect(await lanes.perform(room: blocked) { "after" } == "after")
    }

    @Test("a job queued off the lane (the store's writer, at commit) runs at the room's next drain, in order")
    func queuedThenDrained() async {
        let lanes = ChatLanes(count: 4)
        let seen = Seen()
        let queued = Thread.detachedAndJoined {
            for i in 0..<10 { lanes.enqueue(room: "r") { seen.append(i) } }
        }
        #expect(queued)
        #expect(seen.values.isEmpty, "queueing runs nothing by itself")
        await lanes.drain(room: "r")
        #expect(seen.values == Array(0..<10))
        await lanes.drain(room: "r")
        #expect(seen.values == Array(0..<10), "a drained job does not run twice")
    }

    @Test("a drain stops after its budget and a task runs the rest, still in order")
    func budget() async {
        let lanes = ChatLanes(count: 1)
        let seen = Seen()
        let total = ChatLanes.drainBudget * 3 + 5
        for i in 0..<total { lanes.enqueue(room: "r") { seen.append(i) } }
        await lanes.drain(room: "r")
        #expect(seen.values.count >= ChatLanes.drainBudget)
        let count = await lanes.perform(room: "r") { seen.values.count }
        #expect(count == total)
        #expect(seen.values == Array(0..<total))
    }

    @Test("a drain that finds the lane busy leaves its jobs to the task draining it")
    func busyLane() async {
        let lanes = ChatLanes(count: 1)
        let seen = Seen()
        let (gate, open) = AsyncStream.makeStream(of: Void.self)
        let (started, didStart) = AsyncStream.makeStream(of: Void.self)
        lanes.enqueue(room: "r") {
            didStart.yield()
            for await _ in gate { break }
            seen.append(0)
        }
        let first = Task { await lanes.drain(room: "r") }
        for await _ in started { break }
        lanes.enqueue(room: "r") { seen.append(1) }
        await lanes.drain(room: "r")
        #expect(seen.values.isEmpty, "the second drain returned without running anything")
        open.yield()
        await first.value
        #expect(seen.values == [0, 1])
    }

    @Test("dispatch runs a job with nobody draining after it")
    func dispatched() async {
        let lanes = ChatLanes(count: 2)
        let (done, finish) = AsyncStream.makeStream(of: Int.self)
        lanes.dispatch(room: "r") { finish.yield(7) }
        var got: Int?
        for await value in done { got = value; break }
        #expect(got == 7)
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

extension Thread {
    /// Runs `body` on a new thread and waits for it; false if the thread did not finish in 10 s.
    static func detachedAndJoined(_ body: @escaping @Sendable () -> Void) -> Bool {
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            body()
            done.signal()
        }
        return done.wait(timeout: .now() + 10) == .success
    }
}
