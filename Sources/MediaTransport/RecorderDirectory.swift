import Synchronization

/// The recordings running, by room: the service starts and stops them, and a loop looks here
/// when a room it hosts gains tracks (a control-plane moment, never per packet).
final class RecorderDirectory: Sendable {
    private let recorders = Mutex<[String: RoomRecorder]>([:])

    /// Adds the room's recorder; false when the room already has one.
    func insert(_ recorder: RoomRecorder) -> Bool {
        recorders.withLock { all in
            guard all[recorder.room] == nil else { return false }
            all[recorder.room] = recorder
            return true
        }
    }

    func remove(room: String) -> RoomRecorder? { recorders.withLock { $0.removeValue(forKey: room) } }

    func recorder(ofRoom room: String) -> RoomRecorder? { recorders.withLock { $0[room] } }

    var isEmpty: Bool { recorders.withLock { $0.isEmpty } }
}
