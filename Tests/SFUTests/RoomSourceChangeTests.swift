import RTP
import SFU
import Testing
import TestSupport

@Suite("Room: the publisher's source changes, the viewer's stream does not")
struct RoomSourceChangeTests {
    static let first = MediaStreamPlan(packetsPerFrame: 2, initialSequenceNumber: 60_000, initialTimestamp: 3_000_000,
                                       initialPictureID: 7000, initialTL0PictureIndex: 250)

    /// The second source: unrelated numbers, starting with a keyframe `gap` after the first source's last packet.
    static func second(after last: PlannedPacket, gap: Duration) -> MediaStreamPlan {
        MediaStreamPlan(packetsPerFrame: 2, initialSequenceNumber: 12, initialTimestamp: 999, initialPictureID: 31_000,
                        initialTL0PictureIndex: 3, start: last.sendTime + gap)
    }

    static func checkContinuity(_ received: [RecordingSink.Sent], switchAt index: Int, gapTicks: UInt32) throws {
        #expect(received.isContinuous)
        let before = received[index - 1]
        let after = received[index]
        #expect(after.header.timestamp == before.header.timestamp &+ gapTicks)
        let beforeDescriptor = try VP8PayloadDescriptor(parsing: Array(before.bytes[before.header.payloadRange]))
        let afterDescriptor = try VP8PayloadDescriptor(parsing: Array(after.bytes[after.header.payloadRange]))
        #expect(afterDescriptor.pictureID == beforeDescriptor.pictureID.map { ($0 + 1) & 0x7FFF })
        #expect(afterDescriptor.tl0PictureIndex == beforeDescriptor.tl0PictureIndex.map { $0 &+ 1 })
        // Within each source, timestamps keep their own spacing.
        #expect(received[index + 2].header.timestamp == after.header.timestamp &+ 2970)
    }

    @Test("replaceSource: sequence +1, timestamp by the wall-clock gap, picture ids continue")
    func replaceSource() throws {
        let harness = RoomHarness()
        try harness.addPublisher()
        try harness.addViewer(2)
        let old = Self.first.frames(20)
        _ = try harness.sendVideo(old)
        let oldLast = try #require(old.last)
        // The last packet (marker) of frame 19 arrived 19 × 33 ms + 0.1 ms after the start.
        try harness.room.replaceSource(of: RoomHarness.videoTrack, ssrc: 0x3000, at: harness.now)
        let next = Self.second(after: oldLast, gap: .milliseconds(100)).frames(10)
        _ = try harness.sendVideo(next, ssrc: 0x3000)
        let received = harness.sink.packets(to: 2)
        #expect(received.count == 60)
        try Self.checkContinuity(received, switchAt: 40, gapTicks: 9000)
        // The old SSRC is no longer the track's.
        harness.rtp(try TestPackets.vp8(Self.first.packet(40), ssrc: RoomHarness.videoSSRC))
        #expect(harness.room.counters.rtpUnknownSSRC == 1)
        // Keyframe requests now name the new SSRC.
        try harness.rtcp([.pictureLossIndication(PictureLossIndication(
            senderSSRC: 1, mediaSSRC: RoomHarness.parameters(for: 2, video: true).ssrc))], from: 2)
        harness.advance(by: .seconds(1))
        let plis = harness.sink.rtcpPackets(to: RoomHarness.publisher).compactMap { packet -> PictureLossIndication? in
            if case .pictureLossIndication(let pli) = packet { return pli }
            return nil
        }
        #expect(plis.last?.mediaSSRC == 0x3000)
    }

    @Test("an unknown SSRC carrying the track's MID takes the track over; the old SSRC cannot take it back")
    func bindByMID() throws {
        let harness = RoomHarness()
        try harness.addPublisher(midExtensionID: 3)
        try harness.addViewer(2)
        let mid = [RTPHeaderExtension(id: 3, value: Array("0".utf8))]
        let old = Self.first.frames(20)
        _ = try harness.sendVideo(old, extensions: mid)
        let oldLast = try #require(old.last)
        let next = Self.second(after: oldLast, gap: .milliseconds(250)).frames(10)
        _ = try harness.sendVideo(Array(next[0..<2]), ssrc: 0x4000, extensions: mid)
        // A straggler of the old source, after the switch.
        harness.rtp(try TestPackets.vp8(Self.first.packet(40), ssrc: RoomHarness.videoSSRC, extensions: mid))
        _ = try harness.sendVideo(Array(next[2...]), ssrc: 0x4000, extensions: mid)
        let received = harness.sink.packets(to: 2)
        #expect(received.count == 60)
        try Self.checkContinuity(received, switchAt: 40, gapTicks: 22_500)
        #expect(harness.drainEvents().contains(.trackSourceChanged(RoomHarness.videoTrack, ssrc: 0x4000)))
        #expect(harness.room.counters.rtpUnknownSSRC == 1)
        // A packet with an unknown SSRC and no matching MID is just unknown.
        harness.rtp(try TestPackets.vp8(Self.first.packet(0), ssrc: 0x5000,
                                        extensions: [RTPHeaderExtension(id: 3, value: Array("9".utf8))]))
        #expect(harness.room.counters.rtpUnknownSSRC == 2)
    }
}
