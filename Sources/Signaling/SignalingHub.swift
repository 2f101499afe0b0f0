import SFU

/// Room membership for the control plane: who is in which room, the live counts, who may not
/// come back, and a way to tell each member's socket what happens. Media never passes here.
///
/// Members are connections (a participant id each); counts and presence are by user, so two tabs
/// or a reconnect that overlaps the old socket count once.
///
/// Fan-out is shaped for big audiences: a viewer's arrival or departure would otherwise be told to
/// every member, N messages per viewer and N² as a room fills. So viewers hear about the stage
/// (hosts and guests) only, not about each other; hosts and guests hear about everyone; and the
/// viewer count reaches viewers at most once per `viewerEventInterval` (the latest
/// `viewer_joined`/`viewer_left`, so it is exact within that interval), while the stage gets
/// each one as it happens.
public actor SignalingHub {
    /// What a member is told.
    public enum Notice: Sendable, Equatable {
        case participantJoined(ParticipantInfo)
        case participantLeft(ParticipantInfo)
        /// A live-session event for every member.
        case event(LiveSessionEvent)
        /// This member's role changed (a guest removed by the host drops back to viewer).
        case roleChanged(RoomRole)
        /// This member must go: kicked, or the session ended.
        case removed(AdmissionRefusal)
        /// A message made elsewhere (chat, gifts), sent on the socket as it is.
        case text(String)
    }

    /// Delivers a notice to one member; must not block (WebSocket connections yield into their
    /// input stream). Nil for members without a socket (WHIP/WHEP sessions).
    public typealias Sink = @Sendable (Notice) -> Void

    private struct Member {
        var info: ParticipantInfo
        var sink: Sink?
    }

    private struct Room {
        var members: [String: Member] = [:]
        /// Participant ids of members with the host or guest role.
        var stage: Set<String> = []
        /// The latest viewer count event not yet told to viewers, and whether a flush is due.
        var pendingViewerEvent: LiveSessionEvent?
        var viewerFlushScheduled = false
        /// Open connections per user, by role: a user is present while the count is above 0.
        var connections: [RoomRole: [String: Int]] = [:]
        var banned: Set<String> = []
        /// Guests the host removed: their guest tokens are refused until `restoreGuest`.
        var revokedGuests: Set<String> = []

        func count(_ role: RoomRole) -> Int { connections[role]?.count ?? 0 }
    }

    private var rooms: [String: Room] = [:]
    /// Ended rooms, oldest first, bounded: tokens of an ended session must open nothing, but a
    /// long-running server must not remember every session forever (tokens expire anyway).
    private var ended: Set<String> = []
    private var endedOrder: [String] = []
    private let endedMemory: Int
    private let viewerEventInterval: Duration
    private let presenceContinuation: AsyncStream<PresenceChange>.Continuation
    /// Presence changes, in order, for one consumer (the live-session recorder).
    public nonisolated let presence: AsyncStream<PresenceChange>

    public init(endedMemory: Int = 10_000, viewerEventInterval: Duration = .seconds(1)) {
        self.endedMemory = max(1, endedMemory)
        self.viewerEventInterval = viewerEventInterval
        // Bounded so a hub nobody records (tests, tools) cannot grow without end; a server's
        // recorder drains it continuously.
        (presence, presenceContinuation) = AsyncStream.makeStream(of: PresenceChange.self,
                                                                  bufferingPolicy: .bufferingNewest(100_000))
    }

    deinit { presenceContinuation.finish() }

    // MARK: admission and membership

    /// Nil when `user` may join `room` with `role`.
    public func admission(room: String, user: String, role: RoomRole) -> AdmissionRefusal? {
        if ended.contains(room) { return .sessionEnded }
        if rooms[room]?.banned.contains(user) == true { return .kicked }
        if role == .guest, rooms[room]?.revokedGuests.contains(user) == true { return .guestRevoked }
        return nil
    }

    /// Adds a member and tells those who hear about it; returns who was already there, as far as
    /// the new member's role sees (a viewer: the stage; a host or guest: everyone).
    @discardableResult
    public func join(room name: String, _ info: ParticipantInfo, sink: Sink?) throws(AdmissionRefusal) -> [ParticipantInfo] {
        if let refusal = admission(room: name, user: info.user, role: info.role) { throw refusal }
        // Taken out of the dictionary while it changes: a copy left behind would make every
        // join copy the member table (O(N) per join, O(N²) as a room fills).
        var room = rooms.removeValue(forKey: name) ?? Room()
        let visible: [ParticipantInfo] = info.role == .viewer
            ? room.stage.compactMap { room.members[$0]?.info }
            : room.members.values.map(\.info)
        room.members[info.participant] = Member(info: info, sink: sink)
        if info.role != .viewer { room.stage.insert(info.participant) }
        let first = room.connections[info.role, default: [:]][info.user, default: 0] == 0
        room.connections[info.role, default: [:]][info.user, default: 0] += 1
        rooms[name] = room
        tell(.participantJoined(info), in: room, stageOnly: info.role == .viewer, except: info.participant)
        if first { arrived(info.user, role: info.role, in: name) }
        return visible.sorted { $0.participant < $1.participant }
    }

    /// Removes a member (if present) and tells those who hear about it. Empty rooms are forgotten
    /// (their bans too: the store refuses a kicked user new tokens, this only guards old ones
    /// meanwhile).
    public func leave(room name: String, participant: String) {
        guard var room = rooms.removeValue(forKey: name) else { return }
        guard let member = room.members.removeValue(forKey: participant) else {
            rooms[name] = room
            return
        }
        room.stage.remove(participant)
        let remaining = (room.connections[member.info.role]?[member.info.user] ?? 1) - 1
        room.connections[member.info.role]?[member.info.user] = remaining > 0 ? remaining : nil
        rooms[name] = room
        tell(.participantLeft(member.info), in: room, stageOnly: member.info.role == .viewer, except: participant)
        if remaining <= 0 { departed(member.info.user, role: member.info.role, from: name) }
        if room.members.isEmpty && room.banned.isEmpty && room.revokedGuests.isEmpty { rooms[name] = nil }
    }

    /// Tells the stage, or everyone, except one participant.
    private func tell(_ notice: Notice, in room: Room, stageOnly: Bool, except participant: String) {
        if stageOnly {
            for id in room.stage where id != participant { room.members[id]?.sink?(notice) }
        } else {
            for (id, member) in room.members where id != participant { member.sink?(notice) }
        }
    }

    /// A viewer count change: the stage hears it now; viewers hear the latest one at most once
    /// per `viewerEventInterval`.
    private func viewerCountChanged(_ event: LiveSessionEvent, in name: String) {
        guard var room = rooms[name] else { return }
        tell(.event(event), in: room, stageOnly: true, except: "")
        room.pendingViewerEvent = event
        let schedule = !room.viewerFlushScheduled
        room.viewerFlushScheduled = true
        rooms[name] = room
        guard schedule else { return }
        let interval = viewerEventInterval
        Task { [weak self] in
            try? await Task.sleep(for: interval)
            await self?.flushViewerEvent(in: name)
        }
    }

    /// Tells the viewers of a room the latest viewer count event, if one is pending: what the
    /// interval's timer does (benchmarks and tests call it to drive time by hand).
    public func flushViewerEvent(in name: String) {
        guard var room = rooms[name] else { return }
        room.viewerFlushScheduled = false
        let pending = room.pendingViewerEvent
        room.pendingViewerEvent = nil
        rooms[name] = room
        guard let pending else { return }
        for (id, member) in room.members where !room.stage.contains(id) { member.sink?(.event(pending)) }
    }

    // MARK: control (the host's moderation and the end of a session)

    /// Tells every member of a room.
    public func broadcast(_ event: LiveSessionEvent, in room: String) {
        for member in (rooms[room]?.members ?? [:]).values { member.sink?(.event(event)) }
    }

    /// Sends `text` as it is to every member of `room` but those in `except` (who got it another
    /// way); returns how many members it went to.
    @discardableResult
    public func deliver(_ text: String, in room: String, except: Set<String> = []) -> Int {
        var count = 0
        for (id, member) in rooms[room]?.members ?? [:] where !except.contains(id) {
            guard let sink = member.sink else { continue }
            sink(.text(text))
            count += 1
        }
        return count
    }

    /// Each text in turn, as `deliver(_:in:except:)` would, in one call.
    public func deliver(_ batch: [(text: String, except: Set<String>)], in room: String) {
        for (text, except) in batch { deliver(text, in: room, except: except) }
    }

    /// Sends `text` as it is to one member; false when it has no socket here.
    @discardableResult
    public func deliver(_ text: String, to participant: String, in room: String) -> Bool {
        guard let sink = rooms[room]?.members[participant]?.sink else { return false }
        sink(.text(text))
        return true
    }

    /// Ends a room: every member hears `event` and is told to go; joins are refused from now on.
    /// Returns the members that were there (their media sessions are the caller's to close).
    @discardableResult
    public func end(room name: String, event: LiveSessionEvent) -> [ParticipantInfo] {
        if ended.insert(name).inserted {
            endedOrder.append(name)
            if endedOrder.count > endedMemory { ended.remove(endedOrder.removeFirst()) }
        }
        let members = rooms[name]?.members ?? [:]
        for member in members.values {
            member.sink?(.event(event))
            member.sink?(.removed(.sessionEnded))
        }
        return members.values.map(\.info)
    }

    /// Bans a user from a room and tells the user's connections to go; returns them.
    @discardableResult
    public func ban(user: String, from name: String) -> [ParticipantInfo] {
        rooms[name, default: Room()].banned.insert(user)
        let members = connections(of: user, in: name)
        for member in members { member.sink?(.removed(.kicked)) }
        return members.map(\.info)
    }

    /// Changes the role of every connection of a user (counts and presence follow); returns them.
    /// Demoting a guest also refuses their guest tokens until `restoreGuest`.
    @discardableResult
    public func changeRole(of user: String, in name: String, to role: RoomRole) -> [ParticipantInfo] {
        if role == .viewer { rooms[name, default: Room()].revokedGuests.insert(user) }
        var changed: [ParticipantInfo] = []
        for member in connections(of: user, in: name) where member.info.role != role {
            leave(room: name, participant: member.info.participant)
            var info = member.info
            info.role = role
            _ = try? join(room: name, info, sink: member.sink)
            member.sink?(.roleChanged(role))
            changed.append(info)
        }
        return changed
    }

    /// A new invite was accepted: the user's guest tokens open the room again.
    public func restoreGuest(_ user: String, in name: String) {
        rooms[name]?.revokedGuests.remove(user)
    }

    // MARK: reading

    /// Members of a room, ordered by participant id.
    public func participants(in room: String) -> [ParticipantInfo] {
        (rooms[room]?.members ?? [:]).values.map(\.info).sorted { $0.participant < $1.participant }
    }

    /// The connections of one user in a room.
    public func participants(of user: String, in room: String) -> [ParticipantInfo] {
        connections(of: user, in: room).map(\.info).sorted { $0.participant < $1.participant }
    }

    /// Distinct users present with each role.
    public func counts(in room: String) -> (viewers: Int, guests: Int, hosts: Int) {
        let r = rooms[room]
        return (r?.count(.viewer) ?? 0, r?.count(.guest) ?? 0, r?.count(.host) ?? 0)
    }

    /// Rooms with at least one member.
    public var roomCount: Int { rooms.values.filter { !$0.members.isEmpty }.count }

    /// Sums over every room, for `/metrics`.
    public func totals() -> RoomTotals {
        var totals = RoomTotals()
        for room in rooms.values where !room.members.isEmpty {
            totals.rooms += 1
            totals.connections += room.members.count
            totals.viewers += room.count(.viewer)
            totals.guests += room.count(.guest)
            totals.hosts += room.count(.host)
        }
        return totals
    }

    // MARK: private

    private func connections(of user: String, in room: String) -> [Member] {
        (rooms[room]?.members ?? [:]).values.filter { $0.info.user == user }
    }

    private func arrived(_ user: String, role: RoomRole, in room: String) {
        presenceContinuation.yield(PresenceChange(room: room, user: user, role: role, kind: .joined))
        let count = rooms[room]?.count(role) ?? 0
        switch role {
        case .viewer: viewerCountChanged(.viewerJoined(user: user, viewerCount: count), in: room)
        case .guest: broadcast(.guestJoined(user: user, guestCount: count), in: room)
        case .host: break
        }
    }

    private func departed(_ user: String, role: RoomRole, from room: String) {
        presenceContinuation.yield(PresenceChange(room: room, user: user, role: role, kind: .left))
        let count = rooms[room]?.count(role) ?? 0
        switch role {
        case .viewer: viewerCountChanged(.viewerLeft(user: user, viewerCount: count), in: room)
        case .guest: broadcast(.guestLeft(user: user, guestCount: count), in: room)
        case .host: break
        }
    }
}
