import Foundation
import LoadKit
import Congestion
import RTP
import SFU
import Synchronization
import SyntheticMedia
import SyntheticPeers

/// One synthetic viewer: its peer, its receive path's impairment, and per publisher it watches
/// (told apart by the SSRC the server sends it on) a `VideoViewerTrack` with its loss counter,
/// NACK generator and reception statistics, and an `AudioViewerTrack` for the Opus stream.
/// Touched by its reader thread only, until the thread is joined; `leaving` is how churn takes
/// it out.
final class LoadViewer: @unchecked Sendable {
    struct Stream {
        let track: VideoViewerTrack
        var loss = SequenceLossCounter()
        var firstFrameAt: UInt32?
        var lastPLI: UInt32 = 0
        /// NACKs with retries spaced by the round trip, as the SFU asks its publishers.
        var nack = NackGenerator()
        var sequence = SequenceNumberUnwrapper()
        var reception = ReceptionStatistics(clockRate: 90_000)
    }

    struct AudioStream {
        let track: AudioViewerTrack
        var reception = ReceptionStatistics(clockRate: 48_000)
    }

    /// What the run's media options give every viewer.
    struct Media {
        /// The Opus payload type the server answered; nil: no audio.
        var audioPayloadType: UInt8?
        /// REMB's value, bits per second; nil: no REMB.
        var rembBitrate: UInt64?
        /// The transport-wide sequence number's extension id the server answered; nil: no
        /// transport-wide feedback.
        var transportCCExtensionID: UInt8?
        /// The round trip the NACK retries wait for.
        var roundTrip: Duration = .milliseconds(10)
        var maxWaitMilliseconds: UInt32 = 100
        /// The receive path's impairment; nil: a clean path.
        var impairment: NetworkImpairment?
    }

    let peer: SyntheticPeer
    let room: Int
    let slot: Int
    let decodes: Bool
    let churned: Bool
    /// RunClock ms when its WHEP request went out, and LoadClock ms for the tracks' clock.
    let requestedAt: Double
    let requestedAtStamp: UInt32
    /// Seconds after the run started.
    let joinedAt: Double
    /// Video sections the server bound to a track: the publishers it should see.
    let expectedPublishers: Int
    /// The WHEP resource, to DELETE when it leaves, and the token that may.
    let resource: URL?
    let token: String?
    let leaving = Atomic<Bool>(false)
    /// Set by whoever makes it leave, before `leaving`.
    var leftAt: Double?

    var streams: [UInt32: Stream] = [:]
    var audioStreams: [UInt32: AudioStream] = [:]
    let media: Media
    var impairment: NetworkImpairment?
    /// Packets the impairment holds back (delay, jitter, the cap's queue) until they are due.
    var line = DelayLine()
    /// Feedback to send, drained by the reader after every packet and tick.
    var outbox: [RTCPPacket] = []
    var lastReport: Duration?
    var lastREMB: Duration?
    /// Arrivals of transport-wide numbered packets, turned into feedback every 50 ms.
    lazy var transportFeedback: TransportFeedbackBuilder? = media.transportCCExtensionID.map { _ in TransportFeedbackBuilder() }
    var transportFeedbackSent = 0
    var nackPacketsSent = 0
    private(set) var joinMilliseconds: Double?
    var bytes = 0
    var nacksSent = 0
    var plisSent = 0
    var undecryptable = 0
    /// At most this many streams per viewer: SSRCs beyond it are junk, not publishers.
    static let maxStreams = 16

    init(peer: SyntheticPeer, room: Int, slot: Int, decodes: Bool, churned: Bool, requestedAt: Double, requestedAtStamp: UInt32,
         joinedAt: Double, expectedPublishers: Int, resource: URL?, token: String?, media: Media = Media()) {
        self.peer = peer
        self.room = room
        self.slot = slot
        self.decodes = decodes
        self.churned = churned
        self.requestedAt = requestedAt
        self.requestedAtStamp = requestedAtStamp
        self.joinedAt = joinedAt
        self.expectedPublishers = expectedPublishers
        self.resource = resource
        self.token = token
        self.media = media
        impairment = media.impairment
    }

    /// Called when a stream shows its first frame: once every publisher has, the join is done.
    func noteFirstFrame(at now: UInt32) {
        guard joinMilliseconds == nil, expectedPublishers > 0,
              streams.values.filter({ $0.firstFrameAt != nil }).count >= expectedPublishers else { return }
        joinMilliseconds = Double(now &- requestedAtStamp)
    }

    /// This viewer's line in the report; `end` (seconds after the start) closes its watch time.
    func report(end: Double) -> LoadReport.Viewer {
        var v = LoadReport.Viewer()
        v.room = room
        v.slot = slot
        v.decodes = decodes
        v.joinedAt = joinedAt
        v.leftAt = leftAt
        v.joinMilliseconds = joinMilliseconds
        let tracks = streams.values.map(\.track)
        v.publishersSeen = streams.values.filter { $0.firstFrameAt != nil }.count
        v.framesDecoded = tracks.map(\.framesDecoded).reduce(0, +)
        v.framesAssembled = tracks.map(\.framesAssembled).reduce(0, +)
        v.framesMissing = tracks.map(\.framesMissing).reduce(0, +)
        v.decodeFailures = tracks.map(\.decodeFailures).reduce(0, +)
        v.decodedPercent = tracks.isEmpty ? 0 : tracks.map { track in
            let counted = track.framesDecoded + track.framesMissing
            return counted == 0 ? 0 : 100 * Double(track.framesDecoded) / Double(counted)
        }.min() ?? 0
        let watched = max(0.001, (leftAt ?? end) - joinedAt)
        let frames = decodes ? v.framesDecoded : v.framesAssembled
        v.fps = tracks.isEmpty ? 0 : Double(frames) / Double(tracks.count) / watched
        v.freezes = tracks.map(\.freezes).reduce(0, +)
        v.latencyMilliseconds = Spread(tracks.flatMap(\.latencies).map(Double.init))
        v.packets = tracks.map(\.packets).reduce(0, +)
        v.packetsLost = streams.values.map(\.loss.lost).reduce(0, +)
        v.jitterMilliseconds = streams.values.map(\.reception.jitterMilliseconds).max() ?? 0
        v.lossPercent = v.packets + v.packetsLost == 0 ? 0 : 100 * Double(v.packetsLost) / Double(v.packets + v.packetsLost)
        v.nacksSent = nacksSent
        v.plisSent = plisSent
        v.bitrateKbps = Double(bytes) * 8 / 1000 / watched
        v.badPackets = tracks.map(\.badPackets).reduce(0, +) + undecryptable
        v.media = mediaReport()
        return v
    }
}
