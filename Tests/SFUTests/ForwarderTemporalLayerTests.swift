import RTP
@testable import SFU
import Testing
import TestSupport

/// VP8 temporal layers (RFC 7741 §4.2 TID, Y): the forwarder drops frames above the viewer's
/// layer and closes sequence numbers and picture ids over them, lowers at once at a frame start
/// and raises only where the viewer can decode (a layer sync frame or a keyframe).
@Suite("Forwarder: VP8 temporal layers")
struct ForwarderTemporalLayerTests {
    /// The libwebrtc 3-layer pattern: T0 T2 T1 T2, one packet per frame.
    static let pattern: [UInt8] = [0, 2, 1, 2]

    var forwarder = Forwarder(configuration: .init(kind: .video, codec: .vp8, clockRate: 90_000, ssrc: 1, payloadType: 96,
                                                   initialSequenceNumber: 500))
    var frame = 0
    var outputs: [(layer: UInt8, sequenceNumber: UInt16, pictureID: UInt16)] = []

    /// Sends the next frame of the pattern; returns the decision.
    mutating func send(sync: Bool = false, key: Bool = false) -> ForwardDecision {
        let layer = key ? 0 : Self.pattern[frame % Self.pattern.count]
        let packet = IncomingPacket(ssrc: 7, epoch: 0, sequenceNumber: Int64(1_000 + frame), timestamp: Int64(3_000 * frame),
                                    marker: true, payloadType: 96, isKeyframe: key || frame == 0,
                                    vp8PictureID: UInt16(200 + frame), vp8TL0PictureIndex: UInt8(frame / 4),
                                    vp8TemporalLayer: layer, vp8LayerSync: sync, startsFrame: true, headerLength: 12,
                                    payloadRange: 12..<112, size: 112, arrival: .milliseconds(33 * frame))
        frame += 1
        let decision = forwarder.translate(packet, at: packet.arrival)
        if let rewrite = decision.rewrite {
            outputs.append((layer, rewrite.sequenceNumber, rewrite.vp8PictureID ?? 0))
        }
        return decision
    }

    func isContinuous() -> Bool {
        zip(outputs, outputs.dropFirst()).allSatisfy {
            $1.sequenceNumber == $0.sequenceNumber &+ 1 && $1.pictureID == ($0.pictureID + 1) & 0x7FFF
        }
    }

    @Test("down to the base layer: higher frames dropped, numbers and picture ids stay consecutive")
    mutating func lowering() {
        for _ in 0..<8 { #expect(send().rewrite != nil) }
        forwarder.setTemporalTarget(0)
        var dropped = 0
        for _ in 0..<12 {
            if case .drop(.temporalLayer) = send() { dropped += 1 }
        }
        #expect(dropped == 9, "three of every four frames are T1/T2")
        #expect(outputs.suffix(3).allSatisfy { $0.layer == 0 })
        #expect(isContinuous(), "\(outputs)")
        #expect(forwarder.counters.temporalLayer == 9)
    }

    @Test("up again only at a layer sync frame (or a keyframe), one layer at a time")
    mutating func raising() {
        forwarder.setTemporalTarget(0)
        for _ in 0..<8 { _ = send() }
        #expect(outputs.allSatisfy { $0.layer == 0 })
        forwarder.setTemporalTarget(2)
        // Frames 8..11: T0, T2, T1, T2 without sync: only the base layer goes.
        for _ in 0..<4 { _ = send() }
        #expect(outputs.allSatisfy { $0.layer == 0 }, "no sync point yet")
        _ = send()                       // frame 12: T0
        #expect(send(sync: true).rewrite != nil, "frame 13, T2 with Y: the viewer can start T2 here")
        #expect(forwarder.temporalLimit == 2)
        _ = send()                       // frame 14: T1
        _ = send()                       // frame 15: T2
        #expect(outputs.suffix(3).map(\.layer) == [2, 1, 2])
        #expect(isContinuous(), "\(outputs)")
    }

    @Test("a keyframe opens every layer asked for")
    mutating func keyframeRaises() {
        forwarder.setTemporalTarget(0)
        for _ in 0..<6 { _ = send() }
        forwarder.setTemporalTarget(1)
        _ = send(key: true)              // frame 6, mid-segment keyframe
        #expect(forwarder.temporalLimit == 1, "a keyframe depends on nothing: T1 can follow at once")
        for _ in 0..<6 { _ = send() }    // frames 7..12: T2 T0 T2 T1 T2 T0
        #expect(outputs.suffix(4).map(\.layer) == [0, 0, 1, 0], "key, T0, T1 without a sync point, T0; no T2")
        #expect(isContinuous())
    }
}

@Suite("Temporal layers in the room: the allocator offers T0, T0+T1, ... and the viewer's forwarder follows")
struct TemporalLayerRoomTests {
    /// Payload bytes per frame by temporal layer: T0 frames are the big ones.
    static let sizes: [Int] = [1_200, 600, 300]

    @Test("an estimate that carries only the base layer gets T0 frames; a big one gets every layer back")
    func followsEstimate() throws {
        let room = RoomHarness()
        try room.addPublisher()
        try room.addViewer(2)
        let plan = MediaStreamPlan(frameInterval: .milliseconds(33), packetsPerFrame: 1, keyframeInterval: 100_000, start: room.now)
        var frame = 0
        func run(_ duration: Duration, estimate: UInt64) throws {
            let end = room.now + duration
            while room.now < end {
                room.advance(to: plan.start + plan.frameInterval * frame)
                room.room.setAvailableBitrate(2, estimate, at: room.now)
                let layer = ForwarderTemporalLayerTests.pattern[frame % 4]
                var packet = plan.packet(frame)
                packet.tl0PictureIndex = UInt8(truncatingIfNeeded: frame / 4)
                room.rtp(try TestPackets.vp8(packet, ssrc: RoomHarness.videoSSRC, payloadSize: Self.sizes[Int(layer)],
                                             temporalLayer: layer, layerSync: layer > 0))
                frame += 1
            }
        }
        func layersSent(since mark: Int) -> Set<Int> {
            Set(room.sink.packets(to: 2).dropFirst(mark).compactMap { Self.sizes.firstIndex(of: $0.bytes.count - $0.header.headerLength) })
        }
        // 30 fps, T0 T2 T1 T2: about 75 kbit/s of T0, 110 with T1, 150 with T2.
        try run(.seconds(2), estimate: 1_000_000)
        #expect(layersSent(since: 0) == [0, 1, 2])
        room.drainEvents()

        // 90 kbit/s: T0 fits, T0+T1 does not.
        var mark = room.sink.packets(to: 2).count
        try run(.seconds(2), estimate: 90_000)
        let events = room.drainEvents()
        let temporal = events.compactMap { event -> Int? in
            if case .videoLayerChanged(2, RoomHarness.videoTrack, _, let temporal, _, _, _) = event { return temporal }
            return nil
        }
        #expect(temporal.last == 0, "\(events) \(String(describing: room.room.participant(2)?.allocator.lastAllocation))")
        mark = room.sink.packets(to: 2).count
        try run(.seconds(1), estimate: 90_000)
        #expect(layersSent(since: mark) == [0], "only base-layer frames while the estimate is low")
        #expect(room.sink.packets(to: 2).map(\.header.sequenceNumber).isConsecutive)

        // Room again: up after the up-switch delay and hold-off, at the next sync frames.
        mark = room.sink.packets(to: 2).count
        try run(.seconds(6), estimate: 1_000_000)
        #expect(layersSent(since: mark).isSuperset(of: [1, 2]))
        #expect(room.sink.packets(to: 2).map(\.header.sequenceNumber).isConsecutive)
    }
}

extension Array where Element == UInt16 {
    var isConsecutive: Bool { zip(self, dropFirst()).allSatisfy { $1 == $0 &+ 1 } }
}
