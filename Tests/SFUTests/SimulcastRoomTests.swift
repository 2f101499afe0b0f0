import RTP
import SFU
import Testing
import TestSupport

/// A publisher sending three rid layers (q, h, f) of different sizes, one viewer, virtual time.
private final class SimulcastScenario {
    let harness = RoomHarness()
    static let ridExtensionID: UInt8 = 10
    static let group: TrackID = 20
    static let audio: TrackID = 30
    static let viewer: ParticipantID = 2
    static let rids = ["q", "h", "f"]
    static let layerSSRCs: [UInt32] = [0x51, 0x52, 0x53]
    /// Payload bytes per frame: about 50, 150 and 300 kbit/s at 30 frames a second.
    static let payloadSizes = [200, 600, 1_200]
    var plans: [MediaStreamPlan] = []
    var frame = 0
    /// Send every layer with VP8 temporal layers (T0 T2 T1 T2), as browsers do.
    var temporalLayers = false
    var keyframeWanted: Set<Int> = []
    var room: Room { harness.room }

    init() throws {
        let start = harness.now
        try room.addParticipant(RoomHarness.publisher, options: ParticipantOptions(feedbackSSRC: 0xFEED,
                                                                                    ridExtensionID: Self.ridExtensionID),
                                at: start)
        for (index, rid) in Self.rids.enumerated() {
            let descriptor = TrackDescriptor(id: TrackID(Self.group.rawValue + UInt64(index)), codec: .vp8,
                                             payloadType: TestPackets.vp8PayloadType, ssrc: 0xF00 + UInt32(index),
                                             mid: "0", rid: rid)
            try room.publish(descriptor, by: RoomHarness.publisher, layerOf: index == 0 ? nil : Self.group, at: start)
            plans.append(MediaStreamPlan(frameInterval: .milliseconds(33), packetsPerFrame: 1, keyframeInterval: 100_000,
                                         initialSequenceNumber: UInt16(1000 * (index + 1)), start: start))
        }
        try room.publish(TrackDescriptor(id: Self.audio, codec: .opus, payloadType: TestPackets.opusPayloadType,
                                         ssrc: 0x60, mid: "1"), by: RoomHarness.publisher, at: start)
    }

    /// One frame of every layer (a keyframe where one was asked for, or `keyframes` says), and
    /// a 20 ms audio packet; then time moves on by a frame.
    func sendFrame(keyframes: Set<Int> = []) throws {
        let due = plans[0].start + plans[0].frameInterval * frame
        harness.advance(to: due)
        for (layer, plan) in plans.enumerated() {
            var packet = plan.packet(frame)
            packet.isKeyframe = frame == 0 || keyframes.contains(layer) || keyframeWanted.contains(layer)
            let rid = RTPHeaderExtension(id: Self.ridExtensionID, value: Array(Self.rids[layer].utf8))
            let temporal: UInt8 = temporalLayers ? [0, 2, 1, 2][frame % 4] : 0
            let bytes = try TestPackets.vp8(packet, ssrc: Self.layerSSRCs[layer], payloadSize: Self.payloadSizes[layer],
                                            extensions: [rid], temporalLayer: temporal, layerSync: temporal > 0)
            harness.rtp(bytes)
        }
        keyframeWanted = []
        let audio = MediaStreamPlan.audio(start: plans[0].start).packet(frame)
        harness.rtp(try TestPackets.opus(audio, ssrc: 0x60))
        frame += 1
        notePLIs()
    }

    func run(for duration: Duration, estimate: UInt64? = nil) throws {
        let end = harness.now + duration
        while harness.now < end {
            if let estimate { room.setAvailableBitrate(Self.viewer, estimate, at: harness.now) }
            try sendFrame()
        }
    }

    /// PLIs since the last look become keyframes on the layers they name (as a publisher does).
    private var plisSeen = 0
    func notePLIs() {
        let plis = harness.sink.rtcpPackets(to: RoomHarness.publisher).compactMap { packet -> UInt32? in
            if case .pictureLossIndication(let pli) = packet { return pli.mediaSSRC }
            return nil
        }
        for ssrc in plis.dropFirst(plisSeen) {
            if let layer = Self.layerSSRCs.firstIndex(of: ssrc) { keyframeWanted.insert(layer) }
        }
        plisSeen = plis.count
    }

    /// Which layer each video packet the viewer got came from (by its size).
    func layersForwarded(since index: Int) -> [Int] {
        harness.sink.packets(to: Self.viewer).dropFirst(index).compactMap { sent in
            guard sent.header.payloadType == 100 else { return nil }
            let payload = sent.bytes.count - sent.header.headerLength
            return Self.payloadSizes.firstIndex(of: payload)
        }
    }

    /// The viewer joins and subscribes to the simulcast group.
    func addViewer(rtx: Bool = false) throws {
        try room.addParticipant(Self.viewer, at: harness.now)
        try room.subscribe(Self.viewer, to: Self.group, parameters: RoomHarness.parameters(for: Self.viewer, video: true, rtx: rtx),
                           at: harness.now)
    }

    var videoSent: [RecordingSink.Sent] { harness.sink.packets(to: Self.viewer).filter { $0.header.payloadType == 100 } }
}

@Suite("Simulcast in the room: layers by rid, per-viewer layer choice with hysteresis, pause and resume")
struct SimulcastRoomTests {
    @Test("layers bind by rid; a viewer starts on the lowest and moves up, then down, then pauses and resumes")
    func layerSwitching() throws {
        let s = try SimulcastScenario()
        try s.run(for: .seconds(1))
        #expect(s.room.layers(of: SimulcastScenario.group).map { $0.descriptor.ssrc } == SimulcastScenario.layerSSRCs)

        try s.addViewer(rtx: true)
        try s.room.subscribe(SimulcastScenario.viewer, to: SimulcastScenario.audio,
                             parameters: RoomHarness.parameters(for: SimulcastScenario.viewer, video: false), at: s.harness.now)
        try s.run(for: .milliseconds(500))
        #expect(Set(s.layersForwarded(since: 0)) == [0], "no estimate yet: the lowest layer")

        // Plenty of bandwidth: up to the full layer, not before the 2 s up-switch delay.
        s.harness.drainEvents()
        let upStart = s.harness.now
        var mark = s.harness.sink.packets(to: SimulcastScenario.viewer).count
        try s.run(for: .milliseconds(1800), estimate: 2_000_000)
        #expect(Set(s.layersForwarded(since: mark)) == [0], "hysteresis: still the lowest within 2 s")
        try s.run(for: .seconds(1), estimate: 2_000_000)
        let up = s.layersForwarded(since: mark)
        #expect(up.last == 2, "the full layer after the delay and its keyframe: \(up)")
        let changed = s.harness.drainEvents().compactMap { event -> Int? in
            if case .videoLayerChanged(SimulcastScenario.viewer, SimulcastScenario.group, let spatial, _, _, _, _) = event { return spatial }
            return nil
        }
        #expect(changed == [2], "one video_layer event for the switch")
        #expect(s.harness.now - upStart < .seconds(3))

        // The viewer sees one stream: its own SSRC, sequence numbers without a gap across the switch.
        #expect(Set(s.videoSent.map(\.header.ssrc)).count == 1)
        #expect(s.videoSent.isContinuous)

        // The estimate collapses below what the full layer costs: down at once, to the lowest.
        mark = s.harness.sink.packets(to: SimulcastScenario.viewer).count
        try s.run(for: .milliseconds(300), estimate: 90_000)
        #expect(s.layersForwarded(since: mark).last == 0, "\(s.layersForwarded(since: mark))")
        #expect(s.videoSent.isContinuous)

        // Not even the lowest layer fits: paused after a second, audio goes on.
        s.harness.drainEvents()
        try s.run(for: .milliseconds(1300), estimate: 20_000)
        let paused = s.harness.drainEvents().contains { $0 == .videoPaused(SimulcastScenario.viewer, SimulcastScenario.group) }
        #expect(paused)
        mark = s.harness.sink.packets(to: SimulcastScenario.viewer).count
        try s.run(for: .milliseconds(500), estimate: 20_000)
        let afterPause = s.harness.sink.packets(to: SimulcastScenario.viewer).dropFirst(mark)
        #expect(!afterPause.contains { $0.header.payloadType == 100 }, "no video while paused")
        #expect(afterPause.contains { $0.header.payloadType == 109 }, "audio keeps flowing")

        // Bandwidth comes back: resumed after the resume delay, with a keyframe.
        try s.run(for: .milliseconds(2500), estimate: 2_000_000)
        #expect(s.harness.drainEvents().contains { $0 == .videoResumed(SimulcastScenario.viewer, SimulcastScenario.group) })
        #expect(!s.layersForwarded(since: mark).isEmpty)
        #expect(s.videoSent.isContinuous)
    }

    @Test("a NACK after a layer switch is answered from the layer the packet came from")
    func nackAfterSwitch() throws {
        let s = try SimulcastScenario()
        try s.run(for: .seconds(1))
        try s.addViewer()
        try s.run(for: .seconds(3), estimate: 2_000_000)
        let sent = s.videoSent
        let switchIndex = try #require(sent.firstIndex { $0.bytes.count - $0.header.headerLength == SimulcastScenario.payloadSizes[2] })
        #expect(switchIndex > 2)
        let before = sent[switchIndex - 2]  // a low-layer packet
        let after = sent[switchIndex + 1]   // a full-layer packet
        let countBefore = s.harness.sink.packets(to: SimulcastScenario.viewer).count
        let nack = GenericNACK(senderSSRC: 2, mediaSSRC: before.header.ssrc,
                               lostSequenceNumbers: [before.header.sequenceNumber, after.header.sequenceNumber])
        try s.harness.rtcp([.nack(nack)], from: SimulcastScenario.viewer)
        let resent = s.harness.sink.packets(to: SimulcastScenario.viewer).dropFirst(countBefore)
        #expect(resent.map(\.bytes) == [before.bytes, after.bytes])
    }

    @Test("a PLI from a viewer goes to the layer it receives")
    func pliGoesToTheViewersLayer() throws {
        let s = try SimulcastScenario()
        try s.run(for: .seconds(1))
        try s.addViewer()
        try s.run(for: .milliseconds(700))
        s.harness.sink.removeAll()
        try s.harness.rtcp([.pictureLossIndication(PictureLossIndication(senderSSRC: 2, mediaSSRC: RoomHarness.parameters(
            for: SimulcastScenario.viewer, video: true).ssrc))], from: SimulcastScenario.viewer)
        let plis = s.harness.sink.rtcpPackets(to: RoomHarness.publisher).compactMap { packet -> UInt32? in
            if case .pictureLossIndication(let pli) = packet { return pli.mediaSSRC }
            return nil
        }
        #expect(plis == [SimulcastScenario.layerSSRCs[0]])
    }

    @Test("with temporal layers, an estimate between two spatial layers keeps the smaller one at its full frame rate")
    func fullFrameRateBeforeBiggerPicture() throws {
        let s = try SimulcastScenario()
        s.temporalLayers = true
        try s.run(for: .seconds(1))
        try s.addViewer()
        // About 55, 165 and 330 kbit/s; the full layer's base (T0, ~40 % of it) would fit 200 kbit/s.
        try s.run(for: .seconds(8), estimate: 200_000)
        let recent = s.layersForwarded(since: s.harness.sink.packets(to: SimulcastScenario.viewer).count - 40)
        #expect(Set(recent) == [1], "the middle layer, every frame: \(recent)")
    }

    @Test("set_video caps the layer: with plenty of bandwidth a viewer capped at layer 1 never gets layer 2")
    func preferenceCapsTheLayer() throws {
        let s = try SimulcastScenario()
        try s.run(for: .seconds(1))
        try s.addViewer()
        try s.room.setVideoPreference(SimulcastScenario.viewer, track: SimulcastScenario.group, maxHeight: nil, layer: 1,
                                      at: s.harness.now)
        try s.run(for: .seconds(4), estimate: 5_000_000)
        let layers = s.layersForwarded(since: 0)
        #expect(layers.last == 1 && !layers.contains(2), "\(Set(layers))")
    }

    @Test("padding for probes goes out on the viewer's RTX stream, padding only")
    func padding() throws {
        let s = try SimulcastScenario()
        try s.run(for: .seconds(1))
        try s.room.addParticipant(SimulcastScenario.viewer, at: s.harness.now)
        #expect(s.room.sendPadding(to: SimulcastScenario.viewer, bytes: 1000, at: s.harness.now) == 0, "nothing to carry it yet")
        let parameters = RoomHarness.parameters(for: SimulcastScenario.viewer, video: true, rtx: true)
        try s.room.subscribe(SimulcastScenario.viewer, to: SimulcastScenario.group, parameters: parameters, at: s.harness.now)
        try s.run(for: .milliseconds(300))
        let mark = s.harness.sink.packets(to: SimulcastScenario.viewer).count
        let sent = s.room.sendPadding(to: SimulcastScenario.viewer, bytes: 1000, at: s.harness.now)
        #expect(sent >= 1000)
        let padding = Array(s.harness.sink.packets(to: SimulcastScenario.viewer).dropFirst(mark))
        #expect(padding.count == 4)
        #expect(padding.allSatisfy { $0.header.ssrc == parameters.rtxSSRC && $0.header.payloadType == parameters.rtxPayloadType })
        #expect(padding.allSatisfy { $0.header.payloadRange.isEmpty && $0.header.padding })
        #expect(zip(padding, padding.dropFirst()).allSatisfy { $1.header.sequenceNumber == $0.header.sequenceNumber &+ 1 })
    }
}

@Suite("Active speakers in the room: audio levels in, ordered list out")
struct RoomActiveSpeakerTests {
    @Test("a publisher sending a loud tone is named; a silent one is not; removal empties the list")
    func speakerNamed() throws {
        let room = RoomHarness()
        try room.room.addParticipant(1, at: room.now)
        try room.room.addParticipant(2, at: room.now)
        var loud = TrackDescriptor(id: 1, codec: .opus, payloadType: TestPackets.opusPayloadType, ssrc: 0x11)
        loud.headerExtensions.audioLevel = 3
        var silent = TrackDescriptor(id: 2, codec: .opus, payloadType: TestPackets.opusPayloadType, ssrc: 0x22)
        silent.headerExtensions.audioLevel = 3
        try room.room.publish(loud, by: 1, at: room.now)
        try room.room.publish(silent, by: 2, at: room.now)
        let plan = MediaStreamPlan.audio(start: room.now)
        var lists: [[ParticipantID]] = []
        for index in 0..<50 {  // 1 s of 20 ms packets
            let packet = plan.packet(index)
            room.advance(to: packet.sendTime)
            room.rtp(try TestPackets.opus(packet, ssrc: 0x11, extensions: [RTPHeaderExtension(id: 3, value: [0x80 | 20])]), from: 1)
            room.rtp(try TestPackets.opus(packet, ssrc: 0x22, extensions: [RTPHeaderExtension(id: 3, value: [127])]), from: 2)
            for event in room.drainEvents() {
                if case .activeSpeakersChanged(let list) = event { lists.append(list) }
            }
        }
        #expect(lists.last == [1], "\(lists)")
        #expect(room.room.speakers == [1])
        room.room.removeParticipant(1, at: room.now)
        room.advance(by: .milliseconds(300))
        #expect(room.room.speakers.isEmpty)
        #expect(room.drainEvents().contains { $0 == .activeSpeakersChanged([]) })
    }
}

@Suite("Retransmission budget: repairs to a viewer with an estimate stay within a share of it")
struct RetransmissionBudgetTests {
    @Test("a NACK for 90 packets gets only what a quarter of a 100 kbit/s estimate allows; without an estimate, all")
    func budget() throws {
        for limited in [true, false] {
            let room = RoomHarness()
            try room.addPublisher()
            try room.addViewer(2)
            let plan = MediaStreamPlan(keyframeInterval: 1000, start: room.now)
            _ = try room.sendVideo(plan.frames(30))
            if limited { room.room.setAvailableBitrate(2, 100_000, at: room.now) }
            let forwarded = room.sink.packets(to: 2)
            #expect(forwarded.count == 90)
            room.sink.removeAll()
            let nack = GenericNACK(senderSSRC: 2, mediaSSRC: RoomHarness.parameters(for: 2, video: true).ssrc,
                                   lostSequenceNumbers: forwarded.map(\.header.sequenceNumber))
            try room.rtcp([.nack(nack)], from: 2)
            let resent = room.sink.packets(to: 2)
            let bytes = resent.reduce(0) { $0 + $1.bytes.count }
            if limited {
                // 100 kbit/s × 25 % = 3,125 B/s; a burst of 0.5 s of it.
                #expect(bytes <= 1_563 && !resent.isEmpty, "\(resent.count) packets, \(bytes) bytes")
                #expect(room.room.counters.retransmissionsThrottled == 90 - resent.count)
            } else {
                #expect(resent.count == 90)
            }
        }
    }
}

@Suite("Simulcast repair: a layer's RTX stream binds by its repaired rid")
struct RepairedRIDTests {
    @Test("a retransmission naming the layer's repaired rid fills the viewer's gap with the original packet")
    func rtxOfALayer() throws {
        let harness = RoomHarness()
        let rid: UInt8 = 10, repaired: UInt8 = 11
        try harness.room.addParticipant(RoomHarness.publisher,
                                        options: ParticipantOptions(feedbackSSRC: 0xFEED, ridExtensionID: rid,
                                                                    repairedRIDExtensionID: repaired), at: harness.now)
        let layer = TrackDescriptor(id: 40, codec: .vp8, payloadType: TestPackets.vp8PayloadType, ssrc: 0xF00,
                                    rtxPayloadType: TestPackets.rtxPayloadType, mid: "0", rid: "q")
        try harness.room.publish(layer, by: RoomHarness.publisher, at: harness.now)
        try harness.room.addParticipant(2, at: harness.now)
        try harness.room.subscribe(2, to: 40, parameters: RoomHarness.parameters(for: 2, video: true), at: harness.now)

        let plan = MediaStreamPlan(frameInterval: .milliseconds(33), packetsPerFrame: 1, keyframeInterval: 100_000, start: harness.now)
        let ridValue = RTPHeaderExtension(id: rid, value: Array("q".utf8))
        var media: [[UInt8]] = []
        for frame in 0..<5 {
            media.append(try TestPackets.vp8(plan.packet(frame), ssrc: 0x51, extensions: [ridValue]))
        }
        for (index, bytes) in media.enumerated() where index != 3 {
            harness.advance(to: plan.start + plan.frameInterval * index)
            harness.rtp(bytes)
        }
        #expect(harness.sink.packets(to: 2).count == 4, "the lost packet leaves a gap")
        let repairedValue = RTPHeaderExtension(id: repaired, value: Array("q".utf8))
        harness.rtp(try TestPackets.rtx(of: media[3], ssrc: 0x52, sequenceNumber: 900, extensions: [repairedValue]))
        let sent = harness.sink.packets(to: 2)
        #expect(sent.count == 5, "the retransmission went through as the original packet")
        let original = try RTPHeader(parsing: media[3])
        #expect(sent.last.map { Array($0.bytes[$0.header.payloadRange]) } == Array(media[3][original.payloadRange]))
        #expect(harness.room.counters.rtpUnknownSSRC == 0)
    }
}
