import RTP
import SFU

/// A recorder in a room on this loop: the virtual participant it subscribes as, and which of
/// its user's tracks it records.
struct RecorderAttachment {
    let recorder: RoomRecorder
    let participant: ParticipantID
    var video: TrackID?
    var audio: TrackID?
}

extension MediaLoop {
    /// Subscribes the room's recorder (when the room has one) to the first video and audio track
    /// its user publishes. Runs when tracks appear and when a recording starts. As a subscriber,
    /// the recorder gets what a viewer gets: one continuous stream per track across source and
    /// simulcast-layer changes, starting at a keyframe the room asks for.
    func attachRecorder(to host: RoomHost, at now: Duration) {
        guard let directory = recorderDirectory, let recorder = directory.recorder(ofRoom: host.name) else { return }
        var attachment: RecorderAttachment
        if let existing = recordings[host.name], existing.recorder === recorder {
            attachment = existing
        } else {
            if let stale = recordings[host.name] { detach(stale, from: host, at: now) }
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
        recordings[host.name] = attachment
        touch(host)
    }

    /// A track the recorder received went away (its publisher left or reconnected): the
    /// recorder takes the user's next track of that kind, now or when it is published.
    func recorderLost(_ track: TrackID, in host: RoomHost) {
        guard var attachment = recordings[host.name], attachment.video == track || attachment.audio == track else { return }
        if attachment.video == track { attachment.video = nil }
        if attachment.audio == track { attachment.audio = nil }
        recordings[host.name] = attachment
        attachRecorder(to: host, at: currentTime)
    }

    /// Takes the room's recorder out of the room (recording stopped, or the room went away).
    func detachRecorder(room name: String) {
        guard let attachment = recordings[name] else { return }
        if let host = rooms[name] {
            detach(attachment, from: host, at: currentTime)
        } else {
            egress.recordingTaps[attachment.participant] = nil
            recordings[name] = nil
        }
    }

    private func detach(_ attachment: RecorderAttachment, from host: RoomHost, at now: Duration) {
        host.room.removeParticipant(attachment.participant, at: now)
        egress.recordingTaps[attachment.participant] = nil
        recordings[host.name] = nil
        touch(host)
    }

    /// The recorder lost video (or is starting): ask the publisher for a keyframe the way a
    /// viewer does, with a PLI the room throttles and forwards upstream.
    func recorderWantsKeyframe(room name: String) {
        guard let attachment = recordings[name], attachment.video != nil, let host = rooms[name] else { return }
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
