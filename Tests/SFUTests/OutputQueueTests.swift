// The queue every sans-I/O core drains: order, storage reuse, and dropping the oldest when full.

@testable import OutputQueue
import Testing

@Suite struct OutputQueueTests {
    @Test func handsOutInOrderAndReusesItsStorage() {
        var queue = OutputQueue<Int>(capacity: 4)
        for i in 0..<3 { queue.append(i) }
        #expect(queue.count == 3)
        #expect(queue.next() == 0)
        queue.append(3)  // appended while draining: still after the others
        #expect([queue.next(), queue.next(), queue.next()] == [1, 2, 3])
        #expect(queue.isEmpty && queue.next() == nil)
        let capacity = queue.items.capacity
        for i in 0..<4 { queue.append(i) }
        #expect(queue.items.capacity == capacity, "a drained queue keeps its storage")
    }

    @Test func droppingTheOldestKeepsTheNewestInOrder() {
        var queue = OutputQueue<Int>()
        for i in 0..<1_000 {
            if queue.count >= 100 { queue.dropOldest() }
            queue.append(i)
        }
        #expect(queue.count == 100)
        #expect(queue.items.count <= 200, "dropped slots are given back in batches")
        var taken: [Int] = []
        while let i = queue.next() { taken.append(i) }
        #expect(taken == Array(900..<1_000))
        queue.dropOldest()  // on an empty queue: nothing
        #expect(queue.isEmpty)
    }
}
