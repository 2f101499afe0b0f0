import SFU

/// One room on one loop: the SFU `Room` and what the transport keeps beside it, the published
/// tracks as signaling names them. Its members are filed in the loop's `PeerRegistry`.
final class RoomHost {
    let name: String
    let room: Room
    /// Published tracks, in publish order.
    private(set) var tracks: [RoomTrackSnapshot] = []
    private(set) var infos: [TrackID: RoomTrackInfo] = [:]
    /// Whether the loop has this room in its batch's touched list.
    var isTouched = false

    init(name: String, sink: any EgressSink, configuration: RoomConfiguration) {
        self.name = name
        room = Room(sink: sink, configuration: configuration)
    }

    func record(_ track: RoomTrackSnapshot, info: RoomTrackInfo) {
        tracks.append(track)
        infos[track.id] = info
    }

    /// Forgets a track; returns its info when it was known.
    @discardableResult
    func forget(_ track: TrackID) -> RoomTrackInfo? {
        tracks.removeAll { $0.id == track }
        return infos.removeValue(forKey: track)
    }

    func snapshot(_ id: TrackID) -> RoomTrackSnapshot? { tracks.first { $0.id == id } }

    /// The SFU id of a track by the name signaling knows it by.
    func trackID(named name: String) -> TrackID? { infos.first { $0.value.trackID == name }?.key }

    /// Records a track's muted state; returns the updated info.
    func setMuted(_ id: TrackID, _ muted: Bool) -> RoomTrackInfo? {
        infos[id]?.muted = muted
        return infos[id]
    }

    var trackInfos: [RoomTrackInfo] { tracks.compactMap { infos[$0.id] } }
}
