import NIOCore
import RTP
import SDP
import SFU
import TestSupport
import Testing
@testable import MediaTransport

@Suite("congestion and header extensions end to end over loopback", .serialized)
struct CongestionEndToEndTests {
    static let publisherSSRC: UInt32 = 0x2222_0001
    /// The publisher's ids (Chromium-like) and the viewer's, deliberately different.
    static let publisherExtensions: [(id: UInt8, uri: String)] = [
        (3, HeaderExtensionURI.transportWideCC), (11, HeaderExtensionURI.absCaptureTime), (2, HeaderExtensionURI.absSendTime),
    ]
    static let viewerExtensions: [(id: UInt8, uri: String)] = [
        (5, HeaderExtensionURI.absCaptureTime), (6, HeaderExtensionURI.transportWideCC), (7, HeaderExtensionURI.absSendTime),
    ]

    static func captureTime(_ i: Int) -> [UInt8] { (0..<16).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ i) } }

    @Test("""
        abs-capture-time reaches the viewer byte-identical under the viewer's id; the viewer gets our own \
        abs-send-time and consecutive transport-wide numbers; the publisher gets transport-wide feedback \
        naming every number it sent
        """)
    func extensionsAndFeedback() async throws {
        let service = try await TestHarness.service()
        let publisher = try await LoopbackClient.make()
        let (pubID, pubEvents) = try await TestHarness.open(
            service, publisher, participant: "alice", role: .host, intent: .publish,
            sections: [.init(kind: .video, direction: .sendonly, ssrc: Self.publisherSSRC, rtxSSRC: 0x2222_0002,
                             extensions: Self.publisherExtensions, feedback: ["transport-cc"])])
        try await publisher.connect()
        try #require(try await pubEvents.waitConnected())
        let viewer = try await LoopbackClient.make()
        let (viewID, viewEvents) = try await TestHarness.open(
            service, viewer, participant: "bob", role: .viewer, intent: .watch,
            sections: [.init(kind: .video, direction: .recvonly, extensions: Self.viewerExtensions, feedback: ["transport-cc"])])
        try await viewer.connect()
        try #require(try await viewEvents.waitConnected())

        var sent: [[UInt8]] = []
        for i in 0..<40 {
            var packet = try LoopbackClient.vp8Packet(ssrc: Self.publisherSSRC, sequenceNumber: UInt16(500 + i),
                                                      timestamp: UInt32(9000 + 3000 * i), keyframe: i == 0)
            packet = try Self.withExtensions(packet, [
                RTPHeaderExtension(id: 3, value: [0x10, UInt8(i)]),
                RTPHeaderExtension(id: 11, value: Self.captureTime(i)),
                RTPHeaderExtension(id: 2, value: [0, 0, UInt8(i)]),
            ])
            try await publisher.sendRTP(packet)
            sent.append(packet)
            try await Task.sleep(for: .milliseconds(5))
        }
        let received = try await viewer.receiveRTP(count: 40)
        #expect(received.count == 40)
        var sequence: [UInt16] = []
        for (index, bytes) in received.enumerated() {
            let header = try RTPHeader(parsing: bytes)
            let elements = bytes.withUnsafeBytes { buffer in
                Dictionary(header.extensions(in: buffer).map { ($0.id, Array(buffer[$0.range])) }, uniquingKeysWith: { a, _ in a })
            }
            #expect(elements[5] == Self.captureTime(index), "abs-capture-time of packet \(index)")
            #expect(elements[7]?.count == 3, "our abs-send-time")
            let number = try #require(elements[6])
            sequence.append(UInt16(number[0]) << 8 | UInt16(number[1]))
            #expect(elements[3] == nil && elements[11] == nil && elements[2] == nil, "nothing under the publisher's ids")
        }
        #expect(zip(sequence, sequence.dropFirst()).allSatisfy { $1 == $0 &+ 1 }, "\(sequence)")

        // The publisher's transport-wide feedback covers 0x1000...0x1027, all received.
        let feedback = try #require(try await publisher.waitFor(timeout: .seconds(5)) { () -> [TransportWideFeedback]? in
            let all = publisher.takeRTCP().compactMap { packet -> TransportWideFeedback? in
                if case .transportWideFeedback(let f) = packet { return f }
                return nil
            }
            return all.isEmpty ? nil : all
        })
        var reported: [UInt16: Bool] = [:]
        var more = feedback
        _ = try await publisher.waitFor(timeout: .seconds(2)) { () -> Bool? in
            more += publisher.takeRTCP().compactMap { packet -> TransportWideFeedback? in
                if case .transportWideFeedback(let f) = packet { return f }
                return nil
            }
            for f in more { for p in f.packets { reported[p.sequenceNumber] = (reported[p.sequenceNumber] ?? false) || p.isReceived } }
            return (0x1000..<0x1028).allSatisfy { reported[UInt16($0)] == true } ? true : nil
        }
        #expect((0x1000..<0x1028).allSatisfy { reported[UInt16($0)] == true }, "reported: \(reported.keys.sorted())")
        #expect(more.map(\.feedbackPacketCount) == (0..<UInt8(more.count)).map { $0 }, "feedback packets are numbered")

        await service.closeSession(viewID)
        await service.closeSession(pubID)
        await publisher.close()
        await viewer.close()
        try await service.shutdown()
    }

    /// The packet with its extension block replaced by `extensions`.
    static func withExtensions(_ packet: [UInt8], _ extensions: [RTPHeaderExtension]) throws -> [UInt8] {
        let header = try RTPHeader(parsing: packet)
        return try RTPPacketBuilder(payloadType: header.payloadType, sequenceNumber: header.sequenceNumber,
                                    timestamp: header.timestamp, ssrc: header.ssrc, marker: header.marker,
                                    extensions: extensions).build(payload: Array(packet[header.payloadRange]))
    }
}
