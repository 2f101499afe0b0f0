import SFU

extension MediaTransportService: RecordingMediaPlane {
    public func startRecording(_ request: RecordingRequest) async throws(MediaPlaneError) {
        let room = request.room
        let user = request.user
        let recorder = RoomRecorder(room: room, user: user, path: request.path) { [weak self] in
            guard let self, let loop = self.loop(ofRoom: room) else { return }
            loop.eventLoop.execute { loop.control { loop.recorderWantsKeyframe(room: room, user: user) } }
        }
        guard recorders.insert(recorder) else { throw .conflict("this user is already being recorded in this room") }
        do {
            try recorder.start()
        } catch {
            _ = recorders.remove(room: room, user: user)
            throw error
        }
        // The room may not exist yet: its loop attaches the recorder when the user's tracks appear.
        if let loop = loop(ofRoom: room) {
            _ = try? await onLoop(loop) { () throws(MediaPlaneError) in
                if let host = loop.rooms[room] { loop.attachRecorders(to: host, at: loop.currentTime) }
            }
        }
    }

    public func stopRecording(room: String, user: String) async -> RecordingOutcome? {
        guard let recorder = recorders.remove(room: room, user: user) else { return nil }
        let loops = state.withLockedValue { $0.loops }
        // Whichever loop hosts (or hosted) the room lets go of it before the file is finished.
        for loop in loops {
            _ = try? await onLoop(loop) { () throws(MediaPlaneError) in loop.detachRecorder(room: room, user: user) }
        }
        return await recorder.finish()
    }
}
