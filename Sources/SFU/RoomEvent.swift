import RTP

/// Something the control plane should know, drained with `Room.pollEvent()`.
public enum RoomEvent: Sendable, Equatable {
    case participantJoined(ParticipantID)
    case participantLeft(ParticipantID)
    case trackPublished(TrackID, by: ParticipantID)
    case trackUnpublished(TrackID, by: ParticipantID)
    /// A keyframe request went upstream for the track.
    case keyframeRequested(TrackID)
    /// A packet with an unknown SSRC was bound to a track by its MID (publisher reconnected or
    /// replaced the track): the track now reads from `ssrc`.
    case trackSourceChanged(TrackID, ssrc: UInt32)
    /// The first input of this kind the room rejected from the participant; later ones of the
    /// same kind are only counted (house rule 4: counted, logged once, dropped).
    case inputRejected(ParticipantID, InputRejection)
    /// Who speaks now, loudest first (at most four times a second, only when it changed).
    case activeSpeakersChanged([ParticipantID])
    /// What a viewer now receives of a video track (a simulcast group's id for layered tracks).
    case videoLayerChanged(ParticipantID, TrackID, spatial: Int, temporal: Int, width: Int?, height: Int?,
                           availableBitrate: UInt64?)
    /// A viewer's bandwidth does not fit even the lowest layer of the track: its video stops,
    /// audio goes on; `videoResumed` when a layer fits again.
    case videoPaused(ParticipantID, TrackID)
    case videoResumed(ParticipantID, TrackID)
}

/// Why the room dropped something a participant sent.
public enum InputRejection: Sendable, Equatable {
    case malformedRTP(RTPError)
    case malformedPayload(SFUError)
    case unknownSSRC(UInt32)
    case unexpectedPayloadType(UInt8)
    case oversizedPacket(Int)
    case malformedRTCP(RTCPError)

    /// A small index per kind, for the "report once" mask.
    var kindIndex: Int {
        switch self {
        case .malformedRTP: 0
        case .malformedPayload: 1
        case .unknownSSRC: 2
        case .unexpectedPayloadType: 3
        case .oversizedPacket: 4
        case .malformedRTCP: 5
        }
    }
}
