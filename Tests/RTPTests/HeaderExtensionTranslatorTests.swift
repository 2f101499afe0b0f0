import RTP
import Testing
import TestSupport

@Suite("HeaderExtensionTranslator: publisher ids to viewer ids, our own stamps, nothing else")
struct HeaderExtensionTranslatorTests {
    /// Publisher: Chromium-like ids.
    static let publisher: HeaderExtensionIDs = {
        var ids = HeaderExtensionIDs()
        ids.audioLevel = 1
        ids.absSendTime = 2
        ids.transportSequenceNumber = 3
        ids.mid = 4
        ids.absCaptureTime = 11
        ids.playoutDelay = 12
        ids.videoOrientation = 13
        return ids
    }()

    static let captureTime: [UInt8] = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
                                       0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xF0, 0x01]

    static func source(payload: [UInt8] = [9, 8, 7, 6, 5], csrcs: [UInt32] = [0xAABB_CCDD], padding: Int = 0) throws -> [UInt8] {
        try RTPPacketBuilder(payloadType: 111, sequenceNumber: 77, timestamp: 12345, ssrc: 0x1234_5678, csrcs: csrcs,
                             extensions: [RTPHeaderExtension(id: 1, value: [0x80 | 30]),
                                          RTPHeaderExtension(id: 2, value: [1, 2, 3]),
                                          RTPHeaderExtension(id: 3, value: [0, 42]),
                                          RTPHeaderExtension(id: 4, value: Array("0".utf8)),
                                          RTPHeaderExtension(id: 11, value: captureTime),
                                          RTPHeaderExtension(id: 14, value: [5])],
                             paddingLength: UInt8(padding)).build(payload: payload)
    }

    static func translate(_ source: [UInt8], to viewer: HeaderExtensionIDs, absSendTime: AbsSendTime? = nil,
                          sequence: UInt16? = nil) throws -> [UInt8] {
        var out = [UInt8](repeating: 0xEE, count: source.count + HeaderExtensionTranslator.maxBlockLength)
        let length = try source.withUnsafeBytes { src in
            try out.withUnsafeMutableBytes { dst in
                try HeaderExtensionTranslator.translate(src, into: dst, from: publisher, to: viewer,
                                                        absSendTime: absSendTime, transportSequenceNumber: sequence)
            }
        }
        return Array(out[0..<length])
    }

    static func elements(_ packet: [UInt8]) throws -> [UInt8: [UInt8]] {
        let header = try RTPHeader(parsing: packet)
        return packet.withUnsafeBytes { buffer in
            var found: [UInt8: [UInt8]] = [:]
            for e in header.extensions(in: buffer) { found[e.id] = Array(buffer[e.range]) }
            return found
        }
    }

    @Test("pass-through values move to the viewer's ids byte for byte; the publisher's stamps, MID and unknown ids go")
    func mapsIDs() throws {
        var viewer = HeaderExtensionIDs()
        viewer.audioLevel = 5
        viewer.absCaptureTime = 7
        viewer.absSendTime = 9
        viewer.transportSequenceNumber = 10
        let source = try Self.source()
        let sendTime = AbsSendTime(rawValue: 0xABCDEF)
        let out = try Self.translate(source, to: viewer, absSendTime: sendTime, sequence: 0xFFFE)
        let found = try Self.elements(out)
        #expect(found == [5: [0x80 | 30], 7: Self.captureTime, 9: [0xAB, 0xCD, 0xEF], 10: [0xFF, 0xFE]])
        let header = try RTPHeader(parsing: out)
        let original = try RTPHeader(parsing: source)
        #expect(header.extensionForm == .oneByte)
        #expect(header.ssrc == original.ssrc && header.sequenceNumber == 77 && header.timestamp == 12345)
        #expect(header.payloadType == 111 && header.csrcCount == 1)
        #expect(Array(out[header.payloadRange]) == [9, 8, 7, 6, 5])
    }

    @Test("a viewer that negotiated nothing gets no extension block and no X bit")
    func nothingNegotiated() throws {
        let source = try Self.source(csrcs: [])
        let out = try Self.translate(source, to: HeaderExtensionIDs(), absSendTime: AbsSendTime(rawValue: 1), sequence: 1)
        let header = try RTPHeader(parsing: out)
        #expect(!header.hasExtension)
        #expect(out.count == 12 + 5)
        #expect(Array(out[12...]) == [9, 8, 7, 6, 5])
    }

    @Test("ids above 14 switch the block to the two-byte form; padding survives")
    func twoByteForm() throws {
        var viewer = HeaderExtensionIDs()
        viewer.absCaptureTime = 20
        viewer.transportSequenceNumber = 3
        let source = try Self.source(padding: 4)
        let out = try Self.translate(source, to: viewer, sequence: 513)
        let header = try RTPHeader(parsing: out)
        #expect(header.extensionForm == .twoByte)
        #expect(try Self.elements(out) == [20: Self.captureTime, 3: [2, 1]])
        #expect(header.paddingLength == 4)
        #expect(Array(out[header.payloadRange]) == [9, 8, 7, 6, 5])
    }

    @Test("a repeated or over-long pass-through element is passed once or not at all, so growth stays bounded")
    func boundedGrowth() throws {
        var repeated = [RTPHeaderExtension](repeating: RTPHeaderExtension(id: 1, value: [0x85]), count: 40)
        repeated.append(RTPHeaderExtension(id: 13, value: [1, 2, 3, 4, 5]))  // orientation is one byte
        let source = try RTPPacketBuilder(payloadType: 96, ssrc: 1, extensions: repeated).build(payload: [1])
        var viewer = HeaderExtensionIDs()
        viewer.audioLevel = 2
        viewer.videoOrientation = 3
        let out = try Self.translate(source, to: viewer)
        #expect(try Self.elements(out) == [2: [0x85]])
        #expect(out.count <= source.count + HeaderExtensionTranslator.maxBlockLength)
    }

    @Test("hostile sources: an error or a packet within the bound, never a trap or a write past the buffer")
    func hostile() throws {
        var viewer = HeaderExtensionIDs()
        viewer.audioLevel = 1
        viewer.absCaptureTime = 200
        viewer.transportSequenceNumber = 3
        viewer.absSendTime = 4
        var publisher = Self.publisher
        publisher.absCaptureTime = 200
        let seeds = [try Self.source(), try Self.source(padding: 8)]
        var translated = 0
        for c in HostileInput(seeds: seeds, count: 100_000, maxLength: 2_000) {
            var out = [UInt8](repeating: 0, count: c.bytes.count + HeaderExtensionTranslator.maxBlockLength)
            let length = c.bytes.withUnsafeBytes { src in
                out.withUnsafeMutableBytes { dst in
                    try? HeaderExtensionTranslator.translate(src, into: dst, from: publisher, to: viewer,
                                                             absSendTime: AbsSendTime(rawValue: 7), transportSequenceNumber: 9)
                }
            }
            guard let length else { continue }
            translated += 1
            #expect(length <= out.count, "case \(c.index) (\(c.kind))")
            #expect((try? RTPHeader(parsing: Array(out[0..<length]))) != nil, "case \(c.index) (\(c.kind)) is not RTP")
        }
        #expect(translated > 1_000)
    }

    @Test("a destination without room for the worst-case block is refused")
    func smallDestination() throws {
        let source = try Self.source()
        var out = [UInt8](repeating: 0, count: source.count + HeaderExtensionTranslator.maxBlockLength - 1)
        let result = source.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                Result { () throws(RTPError) in
                    try HeaderExtensionTranslator.translate(src, into: dst, from: Self.publisher, to: HeaderExtensionIDs(),
                                                            absSendTime: nil, transportSequenceNumber: nil)
                }
            }
        }
        #expect(throws: RTPError.self) { try result.get() }
    }
}
