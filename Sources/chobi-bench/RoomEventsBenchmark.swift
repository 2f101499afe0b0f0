import Signaling
import Synchronization

/// What an audience costs the control plane: N viewers join a room with a host and a guest, then
/// leave, through the real `SignalingHub`. Counts the notices the hub hands to members' sockets
/// (each one is a JSON message a connection encodes and sends) and times the hub's own work. The
/// viewer-count flush is driven by hand once per 100 arrivals, as a 1 s timer would during an
/// arrival rate of 100/s.
enum RoomEventsBenchmark {
    static let audiences = [100, 1000, 5000]

    static func run() async throws -> [BenchResult] {
        var results: [BenchResult] = []
        for viewers in audiences {
            let (notices, seconds) = await measure(viewers: viewers)
            results.append(BenchResult(
                name: "room events, host + guest + \(viewers) viewers in and out", value: Double(notices) / Double(viewers),
                unit: "notices/viewer", detail: "\(notices) notices, hub time \(format2(seconds * 1000)) ms"))
        }
        return results
    }

    static func measure(viewers: Int) async -> (notices: Int, seconds: Double) {
        let hub = SignalingHub(viewerEventInterval: .seconds(3600))
        let delivered = Atomic<Int>(0)
        let sink: SignalingHub.Sink = { _ in delivered.add(1, ordering: .relaxed) }
        let room = "bench"
        let clock = ContinuousClock()
        let start = clock.now
        _ = try? await hub.join(room: room, ParticipantInfo(participant: "p-host", user: "host", role: .host), sink: sink)
        _ = try? await hub.join(room: room, ParticipantInfo(participant: "p-guest", user: "guest", role: .guest), sink: sink)
        for i in 0..<viewers {
            _ = try? await hub.join(room: room, ParticipantInfo(participant: "p-\(i)", user: "u\(i)", role: .viewer), sink: sink)
            if i % 100 == 99 { await hub.flushViewerEvent(in: room) }
        }
        for i in 0..<viewers {
            await hub.leave(room: room, participant: "p-\(i)")
            if i % 100 == 99 { await hub.flushViewerEvent(in: room) }
        }
        let elapsed = clock.now - start
        return (delivered.load(ordering: .relaxed), elapsed.nanoseconds / 1e9)
    }
}
