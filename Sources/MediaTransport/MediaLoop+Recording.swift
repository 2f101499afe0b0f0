import RTP
import SFU

/// Which recording: one per user (the host, each guest) in a room.
struct RecordingKey: Hashable {
    let room: String
    let user: String
}

/// A recorder in a room on this loop: the virtual participant it subscribes as, and which of
/// its user's tracks it records.
struct RecorderAttachment {
    let recorder: RoomRecorder
    let participant: ParticipantID
    var video: TrackID?
    var audio: TrackID?
}

extension MediaLoop {
    /// Subscribes each of the room's recorders to the first video and audio track its user
    /// publishes. Runs when tracks appear and when a recording starts. As a subscriber, a
    /// recorder gets what a viewer gets: one continuous stream per track across source and
    /// simulcast-layer changes, starting at a keyframe the room asks for.
    func attachRecorders(to host: RoomHost, at now: Duration) {
        guard let directory = recorderDirectory else { return }
        for recorder in directory.recorders(ofRoom: host.name) { attach(recorder, to: host, at: now) }
    }

    private func attach(_ recorder: RoomRecorder, to host: RoomHost, at now: Duration) {
        let key = RecordingKey(room: host.name, user: recorder.user)
        var attachment: RecorderAttachment
        if let existing = recordings[key], existing.recorder === recorder {
            attachment = existing
        } else {
            if let stale = recordings[key] { detach(stale, key: key, from: host, at: now) }
            let participant = ParticipantID(nextParticipant)
            nextParticipant += 1
            do {
                try host.room.addParticipant(participant, options: ParticipantOptions(
                    feedbackSSRC: UInt32.random(in: 1...UInt32.max, using: &random)), at: now)
            } catch {
                logger.error("recorder could not join its room", metadata: ["room": "\(host.name)", "error": "\(error)"])
                return
            }
            // Bandwidth to spare: the allocator gives the recorder the top simulcast layer.
            host.room.setAvailableBitrate(participant, 1_000_000_000, at: now)
            egress.recordingTaps[participant] = recorder.tap
            attachment = RecorderAttachment(recorder: recorder, participant: participant)
        }
        for track in host.tracks where track.kind == .video ? attachment.video == nil : attachment.audio == nil {
            guard let publisher = peers.peer(participant: track.publisher), publisher.user == recorder.user,
                  let descriptor = host.room.track(track.id)?.descriptor else { continue }
            let isVideo = track.kind == .video
            // The thread reads which streams exist before the first packet can reach it.
            recorder.streams.withLock { streams in
                if isVideo { streams.video = descriptor.codec } else { streams.audio = true }
            }
            let parameters = SubscriptionParameters(
                ssrc: isVideo ? RoomRecorder.videoSSRC : RoomRecorder.audioSSRC, payloadType: descriptor.payloadType,
                initialSequenceNumber: UInt16.random(in: 0...UInt16.max, using: &random),
                initialTimestamp: UInt32.random(in: 0...UInt32.max, using: &random))
            do {
                try host.room.subscribe(attachment.participant, to: track.id, parameters: parameters, at: now)
                if isVideo { attachment.video = track.id } else { attachment.audio = track.id }
            } catch {
                logger.error("recorder could not subscribe", metadata: ["room": "\(host.name)", "error": "\(error)"])
            }
        }
        recordings[key] = attachment
        touch(host)
    }

    /// A track a recorder received went away (its publisher left or reconnected): the
    /// recorder takes the user's next track of that kind, now or when it is published.
    func recorderLost(_ track: TrackID, in host: RoomHost) {
        for (key, var attachment) in recordings where key.room == host.name
            && (attachment.video == track || attachment.audio == track) {
            if attachment.video == track { attachment.video = nil }
            if attachment.audio == track { attachment.audio = nil }
            recordings[key] = attachment
            attach(attachment.recorder, to: host, at: currentTime)
        }
    }

    /// Takes one user's recorder out of the room (that recording stopped).
    func detachRecorder(room name: String, user: String) {
        let key = RecordingKey(room: name, user: user)
        guard let attachment = recordings[key] else { return }
        if let host = rooms[name] {
            detach(attachment, key: key, from: host, at: currentTime)
        } else {
            egress.recordingTaps[attachment.participant] = nil
            recordings[key] = nil
        }
    }

    /// Takes every recorder out of a room that is going away.
    func detachRecorders(room name: String) {
        for key in recordings.keys where key.room == name { detachRecorder(room: name, user: key.user) }
    }

    private func detach(_ attachment: RecorderAttachment, key: RecordingKey, from host: RoomHost, at now: Duration) {
        host.room.removeParticipant(attachment.participant, at: now)
        egress.recordingTaps[attachment.participant] = nil
        recordings[key] = nil
        touch(host)
    }

    /// A recorder lost video (or is starting): ask its publisher for a keyframe the way a
    /// viewer does, with a PLI the room throttles and forwards upstream.
    func recorderWantsKeyframe(room name: String, user: String) {
        guard let attachment = recordings[RecordingKey(room: name, user: user)], attachment.video != nil,
              let host = rooms[name] else { return }
        let media = RoomRecorder.videoSSRC
        let sender: UInt32 = 1
        var pli: [UInt8] = [0x81, 206, 0, 2]
        for value in [sender, media] {
            pli += [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8),
                    UInt8(truncatingIfNeeded: value)]
        }
        pli.withUnsafeBytes { host.room.handleRTCP(from: attachment.participant, packet: $0, at: currentTime) }
        touch(host)
    }
}
