/// Room membership for the control plane: who is in which room, and a way to tell each member's
/// socket when someone joins or leaves. Media never passes here.
public actor SignalingHub {
    /// What a member is told about the others.
    public enum Notice: Sendable, Equatable {
        case participantJoined(ParticipantInfo)
        case participantLeft(ParticipantInfo)
    }

    /// Delivers a notice to one member; must not block (WebSocket connections yield into their
    /// input stream). Nil for members without a socket (WHIP/WHEP sessions).
    public typealias Sink = @Sendable (Notice) -> Void

    private struct Member {
        var info: ParticipantInfo
        var sink: Sink?
    }

    /// Room → participant id → member. Insertion order does not matter to clients.
    private var rooms: [String: [String: Member]] = [:]

    public init() {}

    /// Adds a member and tells the others; returns who was already there.
    @discardableResult
    public func join(room: String, _ info: ParticipantInfo, sink: Sink?) -> [ParticipantInfo] {
        let others = rooms[room, default: [:]]
        rooms[room, default: [:]][info.participant] = Member(info: info, sink: sink)
        for member in others.values { member.sink?(.participantJoined(info)) }
        return others.values.map(\.info).sorted { $0.participant < $1.participant }
    }

    /// Removes a member (if present) and tells the rest. Empty rooms are forgotten.
    public func leave(room: String, participant: String) {
        guard let member = rooms[room]?.removeValue(forKey: participant) else { return }
        if rooms[room]?.isEmpty == true { rooms[room] = nil }
        for other in (rooms[room] ?? [:]).values { other.sink?(.participantLeft(member.info)) }
    }

    /// Members of a room, ordered by participant id.
    public func participants(in room: String) -> [ParticipantInfo] {
        (rooms[room] ?? [:]).values.map(\.info).sorted { $0.participant < $1.participant }
    }

    /// Rooms with at least one member.
    public var roomCount: Int { rooms.count }
}
