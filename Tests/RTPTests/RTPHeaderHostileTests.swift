import Testing
import TestSupport
@testable import RTP

@Suite("Hostile input: RTP header and extensions")
struct RTPHeaderHostileTests {
    /// Valid packets of every shape: plain, CSRCs, both extension forms, padding, big payload.
    static var seeds: [[UInt8]] {
        get throws {
            let audio = RTPPacketBuilder(payloadType: 111, sequenceNumber: 1, timestamp: 960, ssrc: 0x1111, extensions: [
                RTPHeaderExtension(id: 1, value: AudioLevel(voiceActivity: true, level: 30).encoded),
                RTPHeaderExtension(id: 3, value: TransportSequenceNumber(77).encoded),
                RTPHeaderExtension(id: 4, value: StreamIdentifier("0").encoded),
            ])
            let video = RTPPacketBuilder(payloadType: 96, sequenceNumber: 65535, timestamp: 0xFFFF_FFFF, ssrc: 0x2222,
                                         marker: true, csrcs: [1, 2, 3], extensions: [
                                             RTPHeaderExtension(id: 2, value: AbsSendTime(rawValue: 0x123456).encoded),
                                             RTPHeaderExtension(id: 20, value: []),
                                             RTPHeaderExtension(id: 10, value: Array(repeating: 7, count: 40)),
                                         ], paddingLength: 13)
            let plain = RTPPacketBuilder(payloadType: 0, ssrc: 3)
            return [
                try audio.build(payload: [0xF8, 0xFF, 0xFE]),
                try video.build(payload: Array(repeating: 0x42, count: 1200)),
                try plain.build(payload: []),
                RTPHeaderTests.fullPacket,
            ]
        }
    }

    @Test("100k hostile packets: typed error or a parse whose parts rebuild to an equal packet")
    func hostile() throws {
        var valid = 0
        var invalid = 0
        for hostile in HostileInput(seeds: try Self.seeds, count: 100_000, seed: 0x5254_5001) {
            let bytes = hostile.bytes
            let header: RTPHeader
            do {
                header = try RTPHeader(parsing: bytes)
            } catch {
                invalid += 1
                continue
            }
            valid += 1
            // Every located part lies inside the packet and they tile it.
            #expect(header.payloadRange.upperBound + header.paddingLength == bytes.count, "\(hostile.kind) #\(hostile.index)")
            #expect(header.extensionRange.upperBound <= header.payloadRange.lowerBound)
            let elements = withBuffer(bytes) { Array(header.extensions(in: $0)) }
            for element in elements {
                #expect(header.extensionRange.contains(element.range.lowerBound) || element.range.isEmpty)
                #expect(element.range.upperBound <= header.extensionRange.upperBound)
            }
            // Rebuild from the parsed parts; the rebuilt packet must parse to the same values.
            let rebuilt = RTPPacketBuilder(
                payloadType: header.payloadType, sequenceNumber: header.sequenceNumber, timestamp: header.timestamp,
                ssrc: header.ssrc, marker: header.marker, csrcs: withBuffer(bytes) { Array(header.csrcs(in: $0)) },
                extensions: elements.map { RTPHeaderExtension(id: $0.id, value: bytes.bytes(in: $0.range)) },
                extensionForm: header.extensionForm, paddingLength: UInt8(header.paddingLength))
            let again = try rebuilt.build(payload: bytes.bytes(in: header.payloadRange))
            let reparsed = try RTPHeader(parsing: again)
            #expect(reparsed.ssrc == header.ssrc && reparsed.sequenceNumber == header.sequenceNumber)
            #expect(reparsed.timestamp == header.timestamp && reparsed.payloadType == header.payloadType)
            #expect(reparsed.marker == header.marker && reparsed.paddingLength == header.paddingLength)
            #expect(again.bytes(in: reparsed.payloadRange) == bytes.bytes(in: header.payloadRange))
            let reElements = withBuffer(again) { Array(reparsed.extensions(in: $0)) }
            #expect(reElements.map(\.id) == elements.map(\.id))
            #expect(reElements.map { again.bytes(in: $0.range) } == elements.map { bytes.bytes(in: $0.range) })
        }
        #expect(valid > 1000)
        #expect(invalid > 1000)
    }
}
