import Testing
import TestSupport
@testable import RTP

@Suite("Hostile input: RTCP compound packets")
struct RTCPCompoundHostileTests {
    static var seeds: [[UInt8]] {
        let senderReport = SenderReportTests.bytes + SourceDescriptionTests.cnameBytes
        return [
            RTCPCompoundPacketTests.compound,
            senderReport,
            SourceDescriptionTests.twoChunks + GoodbyeTests.bytes,
            PictureLossIndicationTests.bytes + GenericNACKTests.bytes + FullIntraRequestTests.bytes,
            ReceiverEstimatedMaxBitrateTests.bytes + TransportWideFeedbackTests.runAndOneBit,
            TransportWideFeedbackTests.twoBitVector,
        ] + TransportWideFeedbackTests.chromeSamples
    }

    @Test("100k hostile datagrams: typed error or packets that marshal and parse back equal")
    func hostile() throws {
        var valid = 0
        var invalid = 0
        var kinds = Set<String>()
        for hostile in HostileInput(seeds: Self.seeds, count: 100_000, seed: 0x5254_4350) {
            let compound: RTCPCompoundPacket
            do {
                compound = try RTCPCompoundPacket(parsing: hostile.bytes)
            } catch {
                invalid += 1
                continue
            }
            valid += 1
            for packet in compound.packets { kinds.insert("\(packet)".prefix { $0 != "(" }.description) }
            // Every packet a peer can send that we accept, we can also write.
            let bytes = try compound.marshal()
            #expect(bytes.count == compound.marshalSize)
            let reparsed = try RTCPCompoundPacket(parsing: bytes)
            #expect(reparsed == compound, "\(hostile.kind) #\(hostile.index)")
        }
        #expect(valid > 1000)
        #expect(invalid > 1000)
        // The mutations reached every decoder, not just the raw fallback.
        #expect(kinds.isSuperset(of: ["senderReport", "receiverReport", "sourceDescription", "goodbye", "nack",
                                      "transportWideFeedback", "pictureLossIndication", "fullIntraRequest",
                                      "receiverEstimatedMaxBitrate", "raw"]))
    }
}
