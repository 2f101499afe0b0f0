import RTP
import SFU
import Testing
import TestSupport

/// Applying a rewrite to real bytes, the reverse map for NACKs, and RTX in both directions.
@Suite("Rewrite, reverse map and RTX")
struct RewriteTests {
    static let plan = MediaStreamPlan(packetsPerFrame: 2, initialSequenceNumber: 3000, initialTimestamp: 90_000,
                                      initialPictureID: 0x1234)

    @Test("apply writes SSRC, sequence number, timestamp, payload type, marker and VP8 ids, and nothing else")
    func applyVP8() throws {
        for sevenBit in [false, true] {
            let original = try TestPackets.vp8(Self.plan.packet(0), ssrc: 0x1111, sevenBitPictureID: sevenBit)
            var bytes = original
            let rewrite = RTPRewrite(ssrc: 0x2222, sequenceNumber: 65_535, timestamp: 0xFFFF_FFF0, payloadType: 100,
                                     marker: true, vp8PictureID: 0x7ABC, vp8TL0PictureIndex: 0xEE)
            try withMutableBytes(&bytes) { buffer throws(SFUError) in try Forwarder.apply(rewrite, to: buffer) }
            let header = try RTPHeader(parsing: bytes)
            #expect(header.ssrc == 0x2222)
            #expect(header.sequenceNumber == 65_535)
            #expect(header.timestamp == 0xFFFF_FFF0)
            #expect(header.payloadType == 100)
            #expect(header.marker)
            let descriptor = try VP8PayloadDescriptor(parsing: Array(bytes[header.payloadRange]))
            #expect(descriptor.pictureID == (sevenBit ? 0x3C : 0x7ABC))
            #expect(descriptor.tl0PictureIndex == 0xEE)
            // Everything after the descriptor is untouched.
            let start = header.payloadRange.lowerBound + descriptor.headerLength
            #expect(bytes[start...] == original[start...])
        }
    }

    @Test("an RTX rewrite inserts the OSN before the payload and keeps padding at the tail")
    func applyRTX() throws {
        let media = try RTPPacketBuilder(payloadType: 96, sequenceNumber: 7, timestamp: 99, ssrc: 1, paddingLength: 4)
            .build(payload: [1, 2, 3, 4, 5])
        let rewrite = RTPRewrite(ssrc: 0xAB, sequenceNumber: 500, timestamp: 1234, payloadType: 97, marker: false,
                                 rtxOriginalSequenceNumber: 0xC0DE)
        #expect(rewrite.growth == 2)
        var buffer = media + [0, 0]
        let length = try withMutableBytes(&buffer) { target throws(SFUError) in
            try rewrite.apply(to: target, length: media.count)
        }
        #expect(length == media.count + 2)
        let header = try RTPHeader(parsing: buffer)
        #expect(header.ssrc == 0xAB)
        #expect(header.sequenceNumber == 500)
        #expect(header.payloadType == 97)
        #expect(Array(buffer[header.payloadRange]) == [0xC0, 0xDE, 1, 2, 3, 4, 5])
        #expect(header.paddingLength == 4)
        // Without tail room it is an error, not an overwrite.
        var exact = media
        #expect(throws: SFUError.bufferTooSmall(needed: media.count + 2, have: media.count)) {
            try withMutableBytes(&exact) { target throws(SFUError) in try rewrite.apply(to: target) }
        }
    }

    @Test("RTX decapsulation restores the media packet in place; OSN-less probes are refused")
    func decapsulate() throws {
        let media = try TestPackets.vp8(Self.plan.packet(1), ssrc: 0x5555)
        var rtx = try TestPackets.rtx(of: media, ssrc: 0x6666, sequenceNumber: 42)
        let restored = try withMutableBytes(&rtx) { buffer throws(SFUError) -> [UInt8] in
            let header: RTPHeader
            do throws(RTPError) { header = try RTPHeader(parsing: UnsafeRawBufferPointer(buffer)) } catch { throw .rtp(error) }
            return Array(try RTXDecoder.decapsulate(buffer, header: header, mediaSSRC: 0x5555, mediaPayloadType: 96))
        }
        #expect(restored == media)
        var probe = try TestPackets.padding(sequenceNumber: 1, timestamp: 1, ssrc: 0x6666, payloadType: 97)
        #expect(throws: SFUError.rtxWithoutOriginalSequenceNumber) {
            try withMutableBytes(&probe) { buffer throws(SFUError) in
                let header: RTPHeader
                do throws(RTPError) { header = try RTPHeader(parsing: UnsafeRawBufferPointer(buffer)) } catch { throw .rtp(error) }
                _ = try RTXDecoder.decapsulate(buffer, header: header, mediaSSRC: 1, mediaPayloadType: 96)
            }
        }
    }

    @Test("the reverse map returns the original packet and its exact rewrite, once per suppression window")
    func reverseMap() throws {
        var forwarder = Forwarder(configuration: .init(kind: .video, codec: .vp8, clockRate: 90_000, ssrc: 0xBEEF,
                                                       payloadType: 96, initialSequenceNumber: 65_530, historyCapacity: 16))
        var sent: [UInt16: (Int64, RTPRewrite)] = [:]
        for index in 0..<20 {
            let packet = TestPackets.incoming(Int64(1000 + index), ts: Int64(index / 2 * 3000), key: index == 0,
                                              padding: index == 5, pictureID: UInt16(index / 2))
            if let rewrite = forwarder.translate(packet, at: .zero).rewrite { sent[rewrite.sequenceNumber] = (packet.sequenceNumber, rewrite) }
        }
        // 19 forwarded (one padding dropped) from 65530, through the wrap, up to 12.
        #expect(sent.count == 19)
        let recent = try #require(sent[3])
        let lookup = forwarder.retransmission(of: 3, at: .seconds(1), suppression: .milliseconds(50))
        let found = try #require(lookup)
        #expect(found.originalSequenceNumber == recent.0)
        #expect(found.rewrite == recent.1)
        // Asked again 10 ms later: suppressed. 60 ms later: sent again.
        let soon = forwarder.retransmission(of: 3, at: .seconds(1) + .milliseconds(10), suppression: .milliseconds(50))
        let later = forwarder.retransmission(of: 3, at: .seconds(1) + .milliseconds(60), suppression: .milliseconds(50))
        #expect(soon == nil)
        #expect(later != nil)
        #expect(forwarder.counters.retransmissionsSuppressed == 1)
        // Older than the 16-entry history, and never sent: unknown.
        let evicted = forwarder.retransmission(of: 65_531, at: .seconds(2))
        let never = forwarder.retransmission(of: 13, at: .seconds(2))
        #expect(evicted == nil)
        #expect(never == nil)
        #expect(forwarder.counters.retransmissionsUnknown == 2)
    }

    @Test("the RTX encoder numbers its own stream and carries the original sequence number")
    func rtxEncoder() {
        var encoder = RTXEncoder(ssrc: 0x77, payloadType: 97, initialSequenceNumber: 65_535)
        let media = RTPRewrite(ssrc: 1, sequenceNumber: 10, timestamp: 20, payloadType: 96, marker: true, vp8PictureID: 5)
        let first = encoder.encode(media)
        let second = encoder.encode(media)
        #expect(first == RTPRewrite(ssrc: 0x77, sequenceNumber: 65_535, timestamp: 20, payloadType: 97, marker: true,
                                    vp8PictureID: 5, rtxOriginalSequenceNumber: 10))
        #expect(second.sequenceNumber == 0)
        #expect(encoder.packetCount == 2)
    }
}
