// A room on virtual time with a recording sink: what the room suites drive.
import RTP
import SFU
import TestSupport

final class RoomHarness {
    let sink = RecordingSink()
    let room: Room
    var clock = VirtualClock()
    private(set) var events: [RoomEvent] = []

    static let publisher: ParticipantID = 1
    /// Where virtual time starts (and where `MediaStreamPlan` streams start by default).
    static let publisherStart: Duration = .seconds(1000)
    static let videoTrack: TrackID = 10
    static let audioTrack: TrackID = 11
    static let videoSSRC: UInt32 = 0x1000
    static let videoRTXSSRC: UInt32 = 0x1001
    static let audioSSRC: UInt32 = 0x2000

    static let videoDescriptor = TrackDescriptor(id: videoTrack, codec: .vp8, payloadType: TestPackets.vp8PayloadType,
                                                 ssrc: videoSSRC, rtxSSRC: videoRTXSSRC,
                                                 rtxPayloadType: TestPackets.rtxPayloadType, mid: "0")
    static let audioDescriptor = TrackDescriptor(id: audioTrack, codec: .opus, payloadType: TestPackets.opusPayloadType,
                                                 ssrc: audioSSRC, mid: "1")

    init(configuration: RoomConfiguration = RoomConfiguration()) {
        room = Room(sink: sink, configuration: configuration)
    }

    var now: Duration { clock.now }

    /// Adds the publisher with a VP8 (+RTX) and an Opus track.
    func addPublisher(midExtensionID: UInt8? = nil) throws {
        try room.addParticipant(Self.publisher, options: ParticipantOptions(feedbackSSRC: 0xFEED, midExtensionID: midExtensionID),
                                at: now)
        try room.publish(Self.videoDescriptor, by: Self.publisher, at: now)
        try room.publish(Self.audioDescriptor, by: Self.publisher, at: now)
    }

    /// Viewer-side parameters that differ per viewer (SSRCs and initial values derived from its id).
    static func parameters(for viewer: ParticipantID, video: Bool, rtx: Bool = false) -> SubscriptionParameters {
        let base = UInt32(viewer.rawValue) << 16
        return SubscriptionParameters(ssrc: base | (video ? 0xA : 0xB), payloadType: video ? 100 : 109,
                                      rtxSSRC: rtx ? base | 0xC : nil, rtxPayloadType: rtx ? 101 : nil,
                                      initialSequenceNumber: UInt16(truncatingIfNeeded: viewer.rawValue &* 20_000),
                                      initialTimestamp: UInt32(truncatingIfNeeded: viewer.rawValue &* 1_000_000_007),
                                      initialRTXSequenceNumber: 7)
    }

    func addViewer(_ id: ParticipantID, video: Bool = true, audio: Bool = false, rtx: Bool = false) throws {
        try room.addParticipant(id, at: now)
        if video { try room.subscribe(id, to: Self.videoTrack, parameters: Self.parameters(for: id, video: true, rtx: rtx), at: now) }
        if audio { try room.subscribe(id, to: Self.audioTrack, parameters: Self.parameters(for: id, video: false), at: now) }
    }

    func rtp(_ bytes: [UInt8], from participant: ParticipantID = RoomHarness.publisher) {
        var copy = bytes
        copy.withUnsafeMutableBytes { room.handleRTP(from: participant, packet: $0, at: clock.now) }
    }

    func rtcp(_ packets: [RTCPPacket], from participant: ParticipantID) throws {
        let bytes = try RTCPCompoundPacket(packets: packets).marshal()
        bytes.withUnsafeBytes { room.handleRTCP(from: participant, packet: $0, at: clock.now) }
    }

    /// Moves virtual time to `instant`, firing every room timer due on the way.
    func advance(to instant: Duration) {
        while let deadline = room.nextDeadline, deadline <= instant {
            clock.advance(to: max(deadline, clock.now))
            room.handleTimeout(at: clock.now)
        }
        if instant > clock.now { clock.advance(to: instant) }
    }

    func advance(by step: Duration) { advance(to: clock.now + step) }

    /// Drains the room's events into `events` and returns the new ones.
    @discardableResult
    func drainEvents() -> [RoomEvent] {
        var new: [RoomEvent] = []
        while let event = room.pollEvent() { new.append(event) }
        events += new
        return new
    }

    /// Sends planned VP8 packets in order, each at its own send time.
    func sendVideo(_ planned: [PlannedPacket], ssrc: UInt32 = RoomHarness.videoSSRC,
                   extensions: [RTPHeaderExtension] = []) throws -> [[UInt8]] {
        var sent: [[UInt8]] = []
        for packet in planned {
            advance(to: packet.sendTime)
            let bytes = try TestPackets.vp8(packet, ssrc: ssrc, extensions: extensions)
            rtp(bytes)
            sent.append(bytes)
        }
        return sent
    }

    /// The PLIs sent to the publisher so far.
    var plisToPublisher: Int {
        sink.rtcpPackets(to: Self.publisher).filter {
            if case .pictureLossIndication = $0 { return true }
            return false
        }.count
    }
}

extension Array where Element == RecordingSink.Sent {
    /// Whether the output sequence numbers advance by exactly one, packet after packet.
    var isContinuous: Bool {
        zip(self, dropFirst()).allSatisfy { $1.header.sequenceNumber == $0.header.sequenceNumber &+ 1 }
    }
}
