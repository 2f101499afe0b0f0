import Synchronization

/// The recordings running, by room and by the user each one records: the service starts and
/// stops them, and a loop looks here when a room it hosts gains tracks (a control-plane moment,
/// never per packet).
final class RecorderDirectory: Sendable {
    private let recorders = Mutex<[String: [String: RoomRecorder]]>([:])

    /// Adds the recorder; false when that user in that room is already being recorded.
    func insert(_ recorder: RoomRecorder) -> Bool {
        recorders.withLock { all in
            guard all[recorder.room]?[recorder.user] == nil else { return false }
            all[recorder.room, default: [:]][recorder.user] = recorder
            return true
        }
    }

    func remove(room: String, user: String) -> RoomRecorder? {
        recorders.withLock { all in
            defer { if all[room]?.isEmpty == true { all[room] = nil } }
            return all[room]?.removeValue(forKey: user)
        }
    }

    /// The room's recorders, in no particular order.
    func recorders(ofRoom room: String) -> [RoomRecorder] { recorders.withLock { Array(($0[room] ?? [:]).values) } }

    var isEmpty: Bool { recorders.withLock { $0.isEmpty } }
}
