import Testing
@testable import RTP

@Suite("RTCP compound and reduced-size packets")
struct RTCPCompoundPacketTests {
    /// RR + SDES + BYE + an APP packet this module keeps raw.
    static var compound: [UInt8] {
        ReceiverReportTests.bytes + SourceDescriptionTests.cnameBytes + GoodbyeTests.bytes + [
            0x80, 0xCC, 0x00, 0x02,  // V=2 subtype 0 | PT=204 APP | length 2 → 12 bytes
            0x00, 0x00, 0x00, 0x09,  // SSRC
            0x74, 0x65, 0x73, 0x74,  // name "test"
        ]
    }

    @Test("decodes each packet by type and keeps unknown types raw")
    func decode() throws {
        let packet = try RTCPCompoundPacket(parsing: Self.compound)
        #expect(packet.packets.count == 4)
        #expect(packet.packets[0] == .receiverReport(ReceiverReportTests.value))
        #expect(packet.packets[1] == .sourceDescription(SourceDescription(source: 0x1234_5678, cname: "user@example.com")))
        guard case .goodbye(let bye) = packet.packets[2] else { Issue.record("not a BYE"); return }
        #expect(bye.reasonText == "camera off")
        guard case .raw(let raw) = packet.packets[3] else { Issue.record("not raw"); return }
        #expect(raw.header.packetType == .applicationDefined)
        #expect(raw.bytes == Array(Self.compound.suffix(12)))
    }

    @Test("marshal writes the packets back to back, byte-exact")
    func marshal() throws {
        let packet = try RTCPCompoundPacket(parsing: Self.compound)
        #expect(packet.marshalSize == Self.compound.count)
        #expect(try packet.marshal() == Self.compound)
    }

    @Test("reduced-size RTCP: a lone feedback packet is a valid datagram")
    func reducedSize() throws {
        for (bytes, expected) in [
            (PictureLossIndicationTests.bytes, RTCPPacket.pictureLossIndication(.init(senderSSRC: 1, mediaSSRC: 0x4BC4_FCB4))),
            (GenericNACKTests.bytes, RTCPPacket.nack(try GenericNACK(parsing: GenericNACKTests.bytes))),
            (TransportWideFeedbackTests.twoBitVector, RTCPPacket.transportWideFeedback(TransportWideFeedbackTests.twoBitValue)),
            (ReceiverEstimatedMaxBitrateTests.bytes,
             RTCPPacket.receiverEstimatedMaxBitrate(try ReceiverEstimatedMaxBitrate(parsing: ReceiverEstimatedMaxBitrateTests.bytes))),
            (FullIntraRequestTests.bytes, RTCPPacket.fullIntraRequest(FullIntraRequestTests.value)),
        ] {
            #expect(try RTCPCompoundPacket(parsing: bytes).packets == [expected])
        }
    }

    @Test("PSFB FMT 15 without the REMB identifier stays raw; unknown RTPFB FMT stays raw")
    func otherFeedbackStaysRaw() throws {
        var afb = ReceiverEstimatedMaxBitrateTests.bytes
        afb[12] = 0x41  // not "REMB"
        guard case .raw = try RTCPPacket(parsing: afb) else { Issue.record("expected raw"); return }
        var tmmbr = GenericNACKTests.bytes
        tmmbr[0] = 0x83  // RTPFB FMT 3 (TMMBR)
        guard case .raw = try RTCPPacket(parsing: tmmbr) else { Issue.record("expected raw"); return }
    }

    @Test("the reader validates every header against the buffer")
    func readerErrors() {
        #expect(throws: RTCPError.empty) { try RTCPCompoundPacket(parsing: []) }
        // A second packet whose length runs past the datagram.
        #expect(throws: RTCPError.badLength(declared: 16, available: 12)) {
            try RTCPCompoundPacket(parsing: PictureLossIndicationTests.bytes + [0x81, 0xCE, 0x00, 0x03] + [UInt8](repeating: 0, count: 8))
        }
        // Three stray bytes after a valid packet.
        #expect(throws: RTCPError.truncated(needed: 4, have: 3)) {
            try RTCPCompoundPacket(parsing: PictureLossIndicationTests.bytes + [0x81, 0xCE, 0x00])
        }
        // Version 1 in the second packet.
        #expect(throws: RTCPError.badVersion(1)) {
            try RTCPCompoundPacket(parsing: PictureLossIndicationTests.bytes + [0x41] + PictureLossIndicationTests.bytes.dropFirst())
        }
        // A bad packet inside the compound fails the whole datagram with its own error.
        var broken = Self.compound
        broken[0] = 0x83  // RR with RC=3
        #expect(throws: RTCPError.badCount(3)) { try RTCPCompoundPacket(parsing: broken) }
    }

    @Test("the zero-copy reader yields slices with bodies that exclude padding")
    func readerSlices() throws {
        let padded: [UInt8] = [0xA1, 0xCE, 0x00, 0x03] + PictureLossIndicationTests.bytes[4...] + [0, 0, 0, 4]
        let datagram = Self.compound + padded
        let slices = try withBuffer(datagram) { (buffer) throws(RTCPError) -> [RTCPPacketSlice] in
            var reader = RTCPReader(buffer)
            var out: [RTCPPacketSlice] = []
            while let slice = try reader.next() { out.append(slice) }
            return out
        }
        #expect(slices.map(\.header.packetType) == [.receiverReport, .sourceDescription, .goodbye, .applicationDefined,
                                                   .payloadFeedback])
        #expect(slices.map(\.range.count) == [32, 28, 24, 12, 16])
        #expect(slices.last?.bodyRange == 100..<108)
    }

    @Test("marshal refuses an empty list and a short buffer")
    func marshalErrors() {
        #expect(throws: RTCPError.empty) { try RTCPCompoundPacket(packets: []).marshal() }
        var small = [UInt8](repeating: 0, count: 11)
        let compound = RTCPCompoundPacket(packets: [.pictureLossIndication(.init(senderSSRC: 1, mediaSSRC: 2))])
        #expect(throws: RTCPError.bufferTooSmall(needed: 12, have: 11)) {
            try withMutableBuffer(&small) { (buffer) throws(RTCPError) in try compound.marshal(into: buffer) }
        }
    }
}
