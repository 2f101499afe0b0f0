import RTP
import SFU
import Testing
import TestSupport

@Suite("Room: forwarding to many viewers, keyframes, NACK, lifecycle")
struct RoomTests {
    static let plan = MediaStreamPlan(packetsPerFrame: 3)

    /// The payload (after the RTP header) of a packet, to compare what arrived with what was sent.
    static func payload(_ bytes: [UInt8]) throws -> [UInt8] {
        let header = try RTPHeader(parsing: bytes)
        return Array(bytes[header.payloadRange])
    }

    /// The payload with the VP8 descriptor's picture id bytes and TL0 blanked (they are rewritten).
    static func mediaBytes(_ bytes: [UInt8]) throws -> [UInt8] {
        let payload = try payload(bytes)
        let descriptor = try VP8PayloadDescriptor(parsing: payload)
        return Array(payload[descriptor.headerLength...])
    }

    @Test("one publisher, three viewers: each gets every packet, continuous, under its own SSRC and numbering")
    func fanOut() throws {
        let harness = RoomHarness()
        try harness.addPublisher()
        let viewers: [ParticipantID] = [2, 3, 4]
        for viewer in viewers { try harness.addViewer(viewer, video: true, audio: true) }
        // Nobody has a keyframe yet: one PLI, whatever the number of viewers.
        #expect(harness.plisToPublisher == 1)

        let video = Self.plan.frames(30)
        let audio = MediaStreamPlan.audio().packets(0..<50)
        var sentVideo: [[UInt8]] = []
        for packet in video {
            harness.advance(to: packet.sendTime)
            let bytes = try TestPackets.vp8(packet, ssrc: RoomHarness.videoSSRC)
            harness.rtp(bytes)
            sentVideo.append(bytes)
        }
        for packet in audio { harness.rtp(try TestPackets.opus(packet, ssrc: RoomHarness.audioSSRC)) }
        #expect(harness.sink.applyFailures == 0)

        for viewer in viewers {
            let parameters = RoomHarness.parameters(for: viewer, video: true)
            let received = harness.sink.packets(to: viewer).filter { $0.header.ssrc == parameters.ssrc }
            #expect(received.count == 90)
            #expect(received.isContinuous)
            #expect(received.first?.header.sequenceNumber == parameters.initialSequenceNumber)
            for (index, packet) in received.enumerated() {
                #expect(packet.header.payloadType == 100)
                #expect(packet.header.timestamp == parameters.initialTimestamp &+ video[index].timestamp &- video[0].timestamp)
                #expect(packet.header.marker == video[index].marker)
                #expect(try Self.mediaBytes(packet.bytes) == Self.mediaBytes(sentVideo[index]))
            }
            let audioParameters = RoomHarness.parameters(for: viewer, video: false)
            let receivedAudio = harness.sink.packets(to: viewer).filter { $0.header.ssrc == audioParameters.ssrc }
            #expect(receivedAudio.count == 50)
            #expect(receivedAudio.isContinuous)
            #expect(receivedAudio.last?.header.timestamp == audioParameters.initialTimestamp &+ 49 * 960)
        }
        // Three viewers' SSRCs are all different.
        #expect(Set(harness.sink.sent.map(\.header.ssrc)).count == 6)
        #expect(harness.room.counters.forwarded == 3 * 140)
    }

    @Test("a new viewer starts at once from the cached keyframe and the packets after it, then continues live")
    func keyframeReplay() throws {
        let harness = RoomHarness()
        try harness.addPublisher()
        let video = Self.plan.frames(12)
        let sent = try harness.sendVideo(Array(video[0..<30]))
        let plisBefore = harness.plisToPublisher
        try harness.addViewer(5)
        let replayed = harness.sink.packets(to: 5)
        #expect(replayed.count == 30)
        #expect(replayed.isContinuous)
        #expect(try Self.payload(replayed[0].bytes) == Self.payload(sent[0]).withPictureIDs(of: replayed[0].bytes))
        let firstPayload = try Self.payload(replayed[0].bytes)
        let firstDescriptor = try VP8PayloadDescriptor(parsing: firstPayload)
        #expect(firstPayload.withUnsafeBytes { firstDescriptor.isKeyframe(payload: $0) })
        #expect(harness.plisToPublisher == plisBefore)  // no PLI needed
        #expect(harness.room.counters.keyframeReplays == 1)
        // Live packets continue the replayed numbering.
        _ = try harness.sendVideo(Array(video[30..<36]))
        let all = harness.sink.packets(to: 5)
        #expect(all.count == 36)
        #expect(all.isContinuous)
    }

    @Test("a cached keyframe older than keyframeReplayMaxAge is not replayed; the viewer waits for a fresh one")
    func staleKeyframeNotReplayed() throws {
        var configuration = RoomConfiguration()
        configuration.keyframeReplayMaxAge = .milliseconds(300)
        let harness = RoomHarness(configuration: configuration)
        try harness.addPublisher()
        _ = try harness.sendVideo(Self.plan.frames(12))   // one keyframe, then deltas
        harness.advance(by: .milliseconds(400))           // past the limit, still inside the packet cache
        let plisBefore = harness.plisToPublisher
        try harness.addViewer(5)
        #expect(harness.sink.packets(to: 5).isEmpty, "no burst of stale frames")
        #expect(harness.room.counters.staleKeyframeReplaysSkipped == 1)
        #expect(harness.room.counters.keyframeReplays == 0)
        #expect(harness.plisToPublisher == plisBefore + 1)
    }

    @Test("without a usable cached keyframe a new viewer waits, and one PLI goes upstream")
    func waitForKeyframe() throws {
        // The keyframe is older than the packet cache holds: replay is not possible.
        var configuration = RoomConfiguration()
        configuration.videoPacketCacheCapacity = 16
        let small = RoomHarness(configuration: configuration)
        try small.addPublisher()
        _ = try small.sendVideo(Self.plan.frames(20))
        let plisBefore = small.plisToPublisher
        try small.addViewer(5)
        #expect(small.sink.packets(to: 5).isEmpty)
        #expect(small.plisToPublisher == plisBefore + 1)
        // The publisher answers with a keyframe: the viewer starts there.
        let answer = MediaStreamPlan(packetsPerFrame: 3, keyframeInterval: 1, initialSequenceNumber: 1060,
                                     initialTimestamp: 5000 + 20 * 2970, initialPictureID: 120, start: small.now + .milliseconds(50))
        _ = try small.sendVideo(answer.frames(2))
        let received = small.sink.packets(to: 5)
        #expect(received.count == 6)
        #expect(received.isContinuous)
        #expect(received.first?.header.sequenceNumber == RoomHarness.parameters(for: 5, video: true).initialSequenceNumber)
    }

    @Test("a viewer's NACK is answered from the cache through the reverse map: same bytes, same rewrite")
    func nackAnswered() throws {
        let harness = RoomHarness()
        try harness.addPublisher()
        try harness.addViewer(2)
        try harness.addViewer(3, rtx: true)
        var video = Self.plan.frames(10)
        // A padding-only packet in the middle: dropped, so viewer numbers and publisher numbers differ after it.
        let paddingAt = 12
        video.insert(video[paddingAt], at: paddingAt)
        for index in paddingAt + 1..<video.count { video[index].sequenceNumber &+= 1 }
        for (index, packet) in video.enumerated() {
            harness.advance(to: packet.sendTime)
            if index == paddingAt {
                harness.rtp(try TestPackets.padding(sequenceNumber: packet.sequenceNumber, timestamp: packet.timestamp,
                                                    ssrc: RoomHarness.videoSSRC, payloadType: TestPackets.vp8PayloadType))
            } else {
                harness.rtp(try TestPackets.vp8(packet, ssrc: RoomHarness.videoSSRC))
            }
        }
        let plain = harness.sink.packets(to: 2)
        #expect(plain.count == 30)
        #expect(plain.isContinuous)
        let wanted = [plain[5], plain[20]]
        harness.sink.removeAll()
        let parameters = RoomHarness.parameters(for: 2, video: true)
        try harness.rtcp([.nack(GenericNACK(senderSSRC: 0x22, mediaSSRC: parameters.ssrc,
                                            lostSequenceNumbers: wanted.map(\.header.sequenceNumber)))], from: 2)
        let resent = harness.sink.packets(to: 2)
        #expect(resent.map(\.bytes) == wanted.map(\.bytes))
        #expect(harness.room.counters.retransmissionsSent == 2)

        // The RTX viewer gets RFC 4588 packets: its RTX SSRC and PT, its own RTX numbering, the OSN first.
        let rtxParameters = RoomHarness.parameters(for: 3, video: true, rtx: true)
        harness.sink.removeAll()
        // Viewer 3 started on the same keyframe, so its packet 20 is the same source packet.
        let askedSequence = rtxParameters.initialSequenceNumber &+ 20
        try harness.rtcp([.nack(GenericNACK(senderSSRC: 0x33, mediaSSRC: rtxParameters.ssrc,
                                            lostSequenceNumbers: [askedSequence]))], from: 3)
        let rtx = try #require(harness.sink.packets(to: 3).first)
        #expect(rtx.header.ssrc == rtxParameters.rtxSSRC)
        #expect(rtx.header.payloadType == 101)
        #expect(rtx.header.sequenceNumber == 7)
        let rtxPayload = Array(rtx.bytes[rtx.header.payloadRange])
        #expect(Array(rtxPayload.prefix(2)) == [UInt8(askedSequence >> 8), UInt8(askedSequence & 0xFF)])
        // The rest is the media payload viewer 2 got for its packet 20 (same source packet, same ids).
        #expect(Array(rtxPayload.dropFirst(2)) == Array(wanted[1].bytes[wanted[1].header.payloadRange]))

        // Asking again at once is suppressed; a number never sent is ignored.
        harness.sink.removeAll()
        try harness.rtcp([.nack(GenericNACK(senderSSRC: 0x22, mediaSSRC: parameters.ssrc,
                                            lostSequenceNumbers: [wanted[0].header.sequenceNumber, parameters.initialSequenceNumber &- 5]))],
                         from: 2)
        #expect(harness.sink.packets(to: 2).isEmpty)
    }

    @Test("viewers' PLIs and FIRs become at most one PLI upstream per 500 ms")
    func pliThrottle() throws {
        let harness = RoomHarness()
        try harness.addPublisher()
        _ = try harness.sendVideo(Self.plan.frames(3))
        for viewer: ParticipantID in [2, 3, 4] { try harness.addViewer(viewer) }  // replayed: no PLI
        #expect(harness.plisToPublisher == 0)
        for round in 0..<5 {
            harness.advance(by: .milliseconds(20))
            for viewer: ParticipantID in [2, 3, 4] {
                let ssrc = RoomHarness.parameters(for: viewer, video: true).ssrc
                if round % 2 == 0 {
                    try harness.rtcp([.pictureLossIndication(PictureLossIndication(senderSSRC: 9, mediaSSRC: ssrc))], from: viewer)
                } else {
                    try harness.rtcp([.fullIntraRequest(FullIntraRequest(senderSSRC: 9, entries: [.init(ssrc: ssrc, sequenceNumber: 1)]))],
                                     from: viewer)
                }
            }
        }
        #expect(harness.plisToPublisher == 1)
        let pli = harness.sink.rtcpPackets(to: RoomHarness.publisher).first
        #expect(pli == .pictureLossIndication(PictureLossIndication(senderSSRC: 0xFEED, mediaSSRC: RoomHarness.videoSSRC)))
        // The requests inside the window are folded into one, sent when it ends.
        harness.advance(by: .seconds(1))
        #expect(harness.plisToPublisher == 2)
        #expect(harness.drainEvents().filter { $0 == .keyframeRequested(RoomHarness.videoTrack) }.count == 2)
    }

    @Test("the publisher's SR reaches every viewer with the viewer's SSRC, mapped timestamp and own counts")
    func senderReports() throws {
        let harness = RoomHarness()
        try harness.addPublisher()
        try harness.addViewer(2)
        try harness.addViewer(3)
        let video = Self.plan.frames(4)
        _ = try harness.sendVideo(video)
        let report = SenderReport(ssrc: RoomHarness.videoSSRC, ntpTimestamp: 0xE1E2_E3E4_0000_0000,
                                  rtpTimestamp: video[0].timestamp &+ 1234, packetCount: 12, octetCount: 600)
        try harness.rtcp([.senderReport(report)], from: RoomHarness.publisher)
        for viewer: ParticipantID in [2, 3] {
            let parameters = RoomHarness.parameters(for: viewer, video: true)
            let reports = harness.sink.rtcpPackets(to: viewer).compactMap { packet -> SenderReport? in
                if case .senderReport(let report) = packet { return report }
                return nil
            }
            let rewritten = try #require(reports.first)
            #expect(rewritten.ssrc == parameters.ssrc)
            #expect(rewritten.ntpTimestamp == 0xE1E2_E3E4_0000_0000)
            #expect(rewritten.rtpTimestamp == parameters.initialTimestamp &+ 1234)
            #expect(rewritten.packetCount == 12)
            let payloadOctets = harness.sink.packets(to: viewer).reduce(0) { $0 + $1.header.payloadRange.count }
            #expect(Int(rewritten.octetCount) == payloadOctets)
        }
        // Viewer 2 echoes its SR 300 ms later, having held it 100 ms: a 200 ms sample moves the
        // smoothed RTT from the initial 100 ms by 1/8 of the difference.
        let echoed = try #require(harness.sink.rtcpPackets(to: 2).compactMap { packet -> SenderReport? in
            if case .senderReport(let report) = packet { return report }
            return nil
        }.first)
        harness.advance(by: .milliseconds(300))
        try harness.rtcp([.receiverReport(ReceiverReport(ssrc: 0x22, reports: [
            ReportBlock(ssrc: echoed.ssrc, fractionLost: 26, cumulativeLost: 3, jitter: 40,
                        lastSenderReport: echoed.compactNTPTimestamp, delaySinceLastSenderReport: 6554),
        ]))], from: 2)
        let rtt = try #require(harness.room.participant(2)?.roundTripTime)
        #expect(rtt > .microseconds(112_400) && rtt < .microseconds(112_600))
        let summary = harness.room.subscription(of: 2, to: RoomHarness.videoTrack)?.lastReceiverReport
        #expect(summary?.fractionLost == 26)
        #expect(summary?.cumulativeLost == 3)
        #expect(harness.room.participant(3)?.roundTripTime == .milliseconds(100))
    }

    @Test("the publisher gets NACKs for its losses and a receiver report every second")
    func publisherFeedback() throws {
        let harness = RoomHarness()
        try harness.addPublisher()
        try harness.addViewer(2)
        let video = Self.plan.frames(40)
        let lost: Set<Int> = [10, 11, 50]
        var delivered = video
        delivered.removeAll { lost.contains($0.index) }
        _ = try harness.sendVideo(delivered)
        harness.advance(by: .milliseconds(1500))
        let feedback = harness.sink.rtcpPackets(to: RoomHarness.publisher)
        let nacks = feedback.compactMap { packet -> GenericNACK? in
            if case .nack(let nack) = packet { return nack }
            return nil
        }
        #expect(!nacks.isEmpty)
        #expect(nacks.allSatisfy { $0.mediaSSRC == RoomHarness.videoSSRC && $0.senderSSRC == 0xFEED })
        let nacked = Set(nacks.flatMap(\.lostSequenceNumbers))
        #expect(nacked == Set(lost.map { video[$0].sequenceNumber }))
        let reports = feedback.compactMap { packet -> ReceiverReport? in
            if case .receiverReport(let report) = packet { return report }
            return nil
        }
        #expect(reports.count >= 2)
        let block = try #require(reports.last?.reports.first { $0.ssrc == RoomHarness.videoSSRC })
        #expect(block.cumulativeLost == 3)
        #expect(block.extendedHighestSequenceNumber == UInt32(video.last?.sequenceNumber ?? 0))
        // The lost packets arrive as RTX: they fill the viewer's gaps exactly.
        let before = harness.sink.packets(to: 2).count
        for index in lost.sorted() {
            let media = try TestPackets.vp8(video[index], ssrc: RoomHarness.videoSSRC)
            harness.rtp(try TestPackets.rtx(of: media, ssrc: RoomHarness.videoRTXSSRC, sequenceNumber: UInt16(index)))
        }
        let repaired = harness.sink.packets(to: 2)
        #expect(repaired.count == before + 3)
        let sorted = repaired.sorted { $0.header.sequenceNumber < $1.header.sequenceNumber }
        #expect(sorted.isContinuous)
    }

    @Test("mute stops forwarding; unmute asks for a keyframe and resumes without a sequence gap")
    func mute() throws {
        let harness = RoomHarness()
        try harness.addPublisher()
        try harness.addViewer(2)
        let plan = MediaStreamPlan(packetsPerFrame: 3, keyframeInterval: 10)
        let video = plan.frames(40)
        _ = try harness.sendVideo(Array(video[0..<30]))
        try harness.room.setTrackMuted(RoomHarness.videoTrack, true, at: harness.now)
        _ = try harness.sendVideo(Array(video[30..<45]))  // frames 10...14, keyframe included
        #expect(harness.sink.packets(to: 2).count == 30)
        let plis = harness.plisToPublisher
        try harness.room.setTrackMuted(RoomHarness.videoTrack, false, at: harness.now)
        // Less than 500 ms after the PLI of the subscription: pending, sent when the window ends.
        #expect(harness.room.nextDeadline == RoomHarness.publisherStart + .milliseconds(500))
        _ = try harness.sendVideo(Array(video[45..<120]))  // delta frames 15...19 wait; keyframe 20 resumes
        #expect(harness.plisToPublisher == plis + 1)
        let received = harness.sink.packets(to: 2)
        #expect(received.count == 30 + 60)
        #expect(received.isContinuous)
        #expect(received[30].header.timestamp == received[29].header.timestamp &+ 11 * 2970)
    }

    @Test("a viewer resuming gets a keyframe newer than what it saw replayed at once; an older one is never replayed")
    func viewerPause() throws {
        let harness = RoomHarness()
        try harness.addPublisher()
        try harness.addViewer(2)
        let video = MediaStreamPlan(packetsPerFrame: 3, keyframeInterval: 10).frames(20)
        _ = try harness.sendVideo(Array(video[0..<15]))
        try harness.room.setSubscriptionPaused(2, track: RoomHarness.videoTrack, true, at: harness.now)
        _ = try harness.sendVideo(Array(video[15..<45]))  // keyframe at frame 10 = packet 30
        #expect(harness.sink.packets(to: 2).count == 15)
        let plis = harness.plisToPublisher
        try harness.room.setSubscriptionPaused(2, track: RoomHarness.videoTrack, false, at: harness.now)
        var received = harness.sink.packets(to: 2)
        #expect(received.count == 15 + 15)  // keyframe 30...32 and 33...44 replayed
        #expect(received.isContinuous)
        #expect(harness.plisToPublisher == plis)
        // Pause and resume again with no newer keyframe: nothing old is replayed; a PLI is due.
        try harness.room.setSubscriptionPaused(2, track: RoomHarness.videoTrack, true, at: harness.now)
        try harness.room.setSubscriptionPaused(2, track: RoomHarness.videoTrack, false, at: harness.now)
        received = harness.sink.packets(to: 2)
        #expect(received.count == 30)
        harness.advance(by: .seconds(1))
        #expect(harness.plisToPublisher == plis + 1)
    }

    @Test("unsubscribe and leave leave nothing behind: no subscription, no route, no deadline")
    func lifecycle() throws {
        let harness = RoomHarness()
        try harness.addPublisher()
        try harness.addViewer(2, video: true, audio: true)
        try harness.addViewer(3)
        _ = try harness.sendVideo(Self.plan.frames(5))
        #expect(harness.room.subscriptionCount == 3)
        #expect(harness.room.nextDeadline != nil)

        try harness.room.unsubscribe(2, from: RoomHarness.videoTrack, at: harness.now)
        #expect(harness.room.subscription(of: 2, to: RoomHarness.videoTrack) == nil)
        #expect(harness.room.subscriptionCount == 2)
        #expect(throws: SFUError.notSubscribed(2, RoomHarness.videoTrack)) {
            try harness.room.unsubscribe(2, from: RoomHarness.videoTrack, at: harness.now)
        }
        harness.sink.removeAll()
        _ = try harness.sendVideo(MediaStreamPlan(packetsPerFrame: 3, initialSequenceNumber: 1015, initialTimestamp: 5000 + 5 * 2970,
                                                  initialPictureID: 105, start: harness.now + .milliseconds(10)).packets(0..<3))
        #expect(harness.sink.packets(to: 2).isEmpty)
        #expect(harness.sink.packets(to: 3).count == 3)
        // Its feedback about the old SSRC is now unknown.
        try harness.rtcp([.pictureLossIndication(PictureLossIndication(
            senderSSRC: 1, mediaSSRC: RoomHarness.parameters(for: 2, video: true).ssrc))], from: 2)
        #expect(harness.room.counters.rtcpUnknownSSRC == 1)

        harness.room.removeParticipant(3, at: harness.now)
        #expect(harness.room.subscriptionCount == 1)
        harness.room.removeParticipant(RoomHarness.publisher, at: harness.now)
        #expect(harness.room.subscriptionCount == 0)
        #expect(harness.room.track(RoomHarness.videoTrack) == nil)
        #expect(harness.room.participant(2)?.subscriptions.isEmpty == true)
        #expect(harness.room.nextDeadline == nil)
        harness.room.removeParticipant(2, at: harness.now)
        #expect(harness.room.participantIDs.isEmpty)
        let events = harness.drainEvents()
        #expect(events.contains(.trackUnpublished(RoomHarness.videoTrack, by: RoomHarness.publisher)))
        #expect(events.contains(.trackUnpublished(RoomHarness.audioTrack, by: RoomHarness.publisher)))
        #expect(events.filter { if case .participantLeft = $0 { true } else { false } }.count == 3)
        // Packets from someone who left are only counted.
        harness.rtp(try TestPackets.vp8(Self.plan.packet(0), ssrc: RoomHarness.videoSSRC))
        #expect(harness.room.counters.unknownParticipant == 1)
    }

    @Test("events wait for pollEvent in order; beyond the limit the oldest are dropped and counted")
    func eventQueue() throws {
        var configuration = RoomConfiguration()
        configuration.maxPendingEvents = 4
        let harness = RoomHarness(configuration: configuration)
        for id in 1...10 { try harness.room.addParticipant(ParticipantID(UInt64(id)), at: .zero) }
        #expect(harness.drainEvents() == (7...10).map { .participantJoined(ParticipantID(UInt64($0))) })
        #expect(harness.room.counters.eventsDropped == 6)
        #expect(harness.room.pollEvent() == nil)
        try harness.room.addParticipant(11, at: .zero)
        #expect(harness.drainEvents() == [.participantJoined(11)])
    }

    @Test("control-plane misuse is a typed error")
    func misuse() throws {
        let harness = RoomHarness()
        try harness.addPublisher()
        #expect(throws: SFUError.duplicateParticipant(RoomHarness.publisher)) {
            try harness.room.addParticipant(RoomHarness.publisher, at: .zero)
        }
        #expect(throws: SFUError.duplicateTrack(RoomHarness.videoTrack)) {
            try harness.room.publish(RoomHarness.videoDescriptor, by: RoomHarness.publisher, at: .zero)
        }
        var clash = RoomHarness.audioDescriptor
        clash.id = 99
        #expect(throws: SFUError.ssrcInUse(RoomHarness.audioSSRC)) {
            try harness.room.publish(clash, by: RoomHarness.publisher, at: .zero)
        }
        #expect(throws: SFUError.unknownTrack(42)) {
            try harness.room.subscribe(RoomHarness.publisher, to: 42, parameters: .init(ssrc: 1, payloadType: 1), at: .zero)
        }
        try harness.addViewer(2)
        #expect(throws: SFUError.alreadySubscribed(2, RoomHarness.videoTrack)) {
            try harness.room.subscribe(2, to: RoomHarness.videoTrack, parameters: RoomHarness.parameters(for: 2, video: true), at: .zero)
        }
        #expect(throws: SFUError.ssrcInUse(RoomHarness.parameters(for: 2, video: true).ssrc)) {
            try harness.room.subscribe(2, to: RoomHarness.audioTrack, parameters: RoomHarness.parameters(for: 2, video: true), at: .zero)
        }
        #expect(throws: SFUError.self) {
            try harness.room.subscribe(2, to: RoomHarness.audioTrack, parameters: .init(ssrc: 5, payloadType: 200), at: .zero)
        }
    }
}

extension Array where Element == UInt8 {
    /// This VP8 payload with the picture id and TL0 bytes taken from the packet `rewritten`.
    func withPictureIDs(of rewritten: [UInt8]) throws -> [UInt8] {
        let header = try RTPHeader(parsing: rewritten)
        let theirs = Array(rewritten[header.payloadRange])
        let descriptor = try VP8PayloadDescriptor(parsing: theirs)
        var out = self
        for index in 0..<descriptor.headerLength { out[index] = theirs[index] }
        return out
    }
}
