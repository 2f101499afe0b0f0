import RTP
import SFU
import Testing
import TestSupport

/// What a participant can throw at the room: 100k mutated RTP packets and 100k mutated RTCP
/// datagrams. The room must not trap, must count and drop what is bad, and must keep forwarding
/// a valid stream afterwards.
@Suite("Hostile input into the room")
struct RoomHostileTests {
    static let plan = MediaStreamPlan(packetsPerFrame: 3, keyframeInterval: 5)

    static func rtpSeeds() throws -> [[UInt8]] {
        let mid = [RTPHeaderExtension(id: 3, value: Array("0".utf8))]
        var seeds = try (0..<9).map { try TestPackets.vp8(plan.packet($0), ssrc: RoomHarness.videoSSRC, extensions: mid) }
        seeds.append(try TestPackets.opus(MediaStreamPlan.audio().packet(0), ssrc: RoomHarness.audioSSRC))
        seeds.append(try TestPackets.padding(sequenceNumber: 1009, timestamp: 5000, ssrc: RoomHarness.videoSSRC,
                                             payloadType: TestPackets.vp8PayloadType))
        seeds.append(try TestPackets.rtx(of: seeds[4], ssrc: RoomHarness.videoRTXSSRC, sequenceNumber: 1))
        seeds.append(try TestPackets.padding(sequenceNumber: 2, timestamp: 5000, ssrc: RoomHarness.videoRTXSSRC,
                                             payloadType: TestPackets.rtxPayloadType))
        // An H.264-looking payload on the VP8 track and a packet from an unknown SSRC with the MID.
        seeds.append(try RTPPacketBuilder(payloadType: 96, sequenceNumber: 1010, timestamp: 5000, ssrc: 0x9999, extensions: mid)
            .build(payload: [0x90, 0x80, 0x80, 0x01, 0x10, 0x9D, 0x01, 0x2A]))
        return seeds
    }

    static func rtcpSeeds(viewerSSRC: UInt32, firstSequenceNumber: UInt16) throws -> [[UInt8]] {
        let asked = [firstSequenceNumber &+ 5, firstSequenceNumber &+ 6, firstSequenceNumber &+ 10]
        let packets: [[RTCPPacket]] = [
            [.nack(GenericNACK(senderSSRC: 2, mediaSSRC: viewerSSRC, lostSequenceNumbers: asked))],
            [.pictureLossIndication(PictureLossIndication(senderSSRC: 2, mediaSSRC: viewerSSRC))],
            [.fullIntraRequest(FullIntraRequest(senderSSRC: 2, entries: [.init(ssrc: viewerSSRC, sequenceNumber: 3)]))],
            [.receiverReport(ReceiverReport(ssrc: 2, reports: [ReportBlock(ssrc: viewerSSRC, fractionLost: 3, cumulativeLost: 4,
                                                                           lastSenderReport: 0x1234, delaySinceLastSenderReport: 5)])),
             .sourceDescription(SourceDescription(chunks: [.init(source: 2, items: [.init(type: .cname, text: "viewer")])]))],
            [.senderReport(SenderReport(ssrc: RoomHarness.videoSSRC, ntpTimestamp: 0xAABB_CCDD_0000_0000, rtpTimestamp: 5000,
                                        packetCount: 10, octetCount: 1000)),
             .receiverEstimatedMaxBitrate(ReceiverEstimatedMaxBitrate(senderSSRC: 2, bitrate: 1_000_000, ssrcs: [viewerSSRC]))],
        ]
        return try packets.map { try RTCPCompoundPacket(packets: $0).marshal() }
    }

    /// Sends a clean stream (a keyframe first) on the video track and returns what viewer 2 got from it.
    static func cleanStream(_ harness: RoomHarness, from index: Int, count: Int, ssrc: UInt32 = RoomHarness.videoSSRC,
                            extensions: [RTPHeaderExtension] = []) throws -> (sent: [[UInt8]], got: [RecordingSink.Sent]) {
        harness.sink.removeAll()
        let plan = MediaStreamPlan(packetsPerFrame: 3, keyframeInterval: 5, initialSequenceNumber: 30_000,
                                   initialTimestamp: 77_000, start: harness.now + .seconds(1))
        var sent: [[UInt8]] = []
        for planned in plan.packets(index..<index + count) {
            harness.advance(to: planned.sendTime)
            let bytes = try TestPackets.vp8(planned, ssrc: ssrc, extensions: extensions)
            harness.rtp(bytes)
            sent.append(bytes)
        }
        return (sent, harness.sink.packets(to: 2))
    }

    @Test("100k hostile RTP packets from a publisher: no trap, bad ones counted, a clean stream flows afterwards")
    func hostileRTP() throws {
        let harness = RoomHarness()
        try harness.addPublisher(midExtensionID: 3)
        try harness.addViewer(2, video: true, audio: true, rtx: true)
        for planned in Self.plan.frames(5) { harness.rtp(try TestPackets.vp8(planned, ssrc: RoomHarness.videoSSRC)) }
        let forwardedBefore = harness.room.counters.forwarded

        for hostile in HostileInput(seeds: try Self.rtpSeeds(), count: 100_000, seed: 0x5F0_0001, maxLength: 4000) {
            harness.rtp(hostile.bytes)
            if hostile.index % 1000 == 0 { harness.advance(by: .milliseconds(7)) }
        }
        let counters = harness.room.counters
        #expect(counters.rtpReceived >= 100_000)
        let rejected = counters.rtpMalformed + counters.rtpOversized + counters.rtpUnknownSSRC
            + counters.rtpUnexpectedPayloadType + counters.rtpRejectedJumps + counters.rtpMalformedPayload
            + counters.rtxPaddingDropped
        #expect(rejected > 10_000)
        #expect(counters.forwarded > forwardedBefore)  // some mutants were valid packets, and went through
        #expect(counters.rtpMalformed > 0 && counters.rtpOversized > 0 && counters.rtpUnknownSSRC > 0)
        #expect(harness.sink.applyFailures == 0)  // whatever was forwarded could be rewritten
        let rejections = harness.drainEvents().filter { if case .inputRejected = $0 { true } else { false } }
        #expect(rejections.count <= 6)  // reported once per kind, not per packet

        // Whatever the mutants did to the stream state (mutated SSRCs with the MID may even have
        // taken the track over), a clean stream with keyframes from a fresh SSRC gets through.
        let mid = [RTPHeaderExtension(id: 3, value: Array("0".utf8))]
        let (sent, got) = try Self.cleanStream(harness, from: 0, count: 60, ssrc: 0x7777_0001, extensions: mid)
        let tail = got.suffix(30)
        #expect(tail.count == 30)
        #expect(Array(tail).isContinuous)
        for (packet, original) in zip(tail, sent.suffix(30)) {
            #expect(try RoomTests.mediaBytes(packet.bytes) == RoomTests.mediaBytes(original))
        }
    }

    @Test("100k hostile RTCP datagrams from a viewer and the publisher: no trap, the room keeps forwarding")
    func hostileRTCP() throws {
        let harness = RoomHarness()
        try harness.addPublisher()
        try harness.addViewer(2, rtx: true)
        let parameters = RoomHarness.parameters(for: 2, video: true, rtx: true)
        for planned in Self.plan.frames(10) { harness.rtp(try TestPackets.vp8(planned, ssrc: RoomHarness.videoSSRC)) }
        let seeds = try Self.rtcpSeeds(viewerSSRC: parameters.ssrc, firstSequenceNumber: parameters.initialSequenceNumber)

        for hostile in HostileInput(seeds: seeds, count: 100_000, seed: 0x5F0_0002,
                                    maxLength: 4000) {
            let from: ParticipantID = hostile.index % 2 == 0 ? 2 : RoomHarness.publisher
            hostile.bytes.withUnsafeBytes { harness.room.handleRTCP(from: from, packet: $0, at: harness.now) }
            if hostile.index % 1000 == 0 { harness.advance(by: .milliseconds(11)) }
        }
        let counters = harness.room.counters
        #expect(counters.rtcpMalformed > 1000)
        #expect(counters.rtcpReceived > 1000)
        #expect(counters.nacksReceived > 0)
        #expect(counters.retransmissionsSent > 0)
        #expect(counters.senderReportsSent > 0)
        #expect(counters.rtcpBuildFailures == 0)
        #expect(harness.sink.applyFailures == 0)

        let (_, got) = try Self.cleanStream(harness, from: 30, count: 30)
        #expect(got.count >= 15)
        #expect(got.isContinuous)
    }

    @Test("100k hostile packets into the payload analysis: a typed error or a packet whose ranges fit")
    func hostileAnalysis() throws {
        var valid = 0
        var invalid = 0
        let h264 = try RTPPacketBuilder(payloadType: 102, sequenceNumber: 1, timestamp: 1, ssrc: 1)
            .build(payload: [0x78, 0x00, 0x03, 0x67, 0x42, 0x00, 0x00, 0x02, 0x68, 0xCE])
        let fuA = try RTPPacketBuilder(payloadType: 102, sequenceNumber: 2, timestamp: 1, ssrc: 1)
            .build(payload: [0x7C, 0x85, 1, 2, 3, 4])
        let seeds = try Self.rtpSeeds() + [h264, fuA]
        for hostile in HostileInput(seeds: seeds, count: 100_000, seed: 0x5F0_0003, maxLength: 4000) {
            let codec: CodecKind = [.vp8, .h264, .opus][hostile.index % 3]
            var analyzer = PacketAnalyzer(ssrc: 1, codec: codec)
            do {
                guard let packet = try analyzer.analyze(hostile.bytes, at: .seconds(1)) else { continue }
                valid += 1
                #expect(packet.headerLength <= packet.payloadRange.lowerBound)
                #expect(packet.payloadRange.upperBound <= packet.size)
                #expect(packet.size == hostile.bytes.count)
                #expect(packet.wireSequenceNumber == UInt16(hostile.bytes[2]) << 8 | UInt16(hostile.bytes[3]))
            } catch is RTPError {
                invalid += 1
            } catch let error as SFUError {
                guard case .rtp = error else {
                    Issue.record("unexpected \(error) for \(hostile.kind) #\(hostile.index)")
                    continue
                }
                invalid += 1
            }
        }
        #expect(valid > 1000)
        #expect(invalid > 1000)
    }
}
