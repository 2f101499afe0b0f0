import RTP

/// Why a control-plane call or an egress rewrite failed. Bad packets from peers are never
/// errors of the room's API: they are counted in `RoomCounters` and dropped.
public enum SFUError: Error, Equatable, Sendable {
    case unknownParticipant(ParticipantID)
    case duplicateParticipant(ParticipantID)
    case unknownTrack(TrackID)
    case duplicateTrack(TrackID)
    /// The SSRC is already used by another track of the same participant (or by another
    /// subscription towards the same viewer).
    case ssrcInUse(UInt32)
    case alreadySubscribed(ParticipantID, TrackID)
    case notSubscribed(ParticipantID, TrackID)
    /// A descriptor or parameter set that cannot work (reason says which rule failed).
    case invalidConfiguration(String)
    /// The packet could not be read or rewritten.
    case rtp(RTPError)
    /// An RTX packet without the 2-byte original sequence number (RFC 4588 §4).
    case rtxWithoutOriginalSequenceNumber
    /// The egress buffer has no room for what the rewrite adds (the RTX OSN).
    case bufferTooSmall(needed: Int, have: Int)
}
