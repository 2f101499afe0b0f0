import RTP
import SFU
import Testing

/// Table-driven forwarder behaviour (in the style of LiveKit's forwarder tests): a list of
/// incoming packets, and for each the decision expected.
@Suite("Forwarder: sequence and timestamp mapping")
struct ForwarderTests {
    enum Expect: Equatable, CustomStringConvertible {
        case forward(UInt16, UInt32)
        case drop(DropReason)

        var description: String {
            switch self {
            case .forward(let seq, let ts): "forward(seq \(seq), ts \(ts))"
            case .drop(let reason): "drop(\(reason))"
            }
        }
    }

    struct Step {
        let packet: IncomingPacket
        let expect: Expect
    }

    struct Case: CustomTestStringConvertible {
        let name: String
        let kind: MediaKind
        let steps: [Step]
        var testDescription: String { name }
    }

    static func video(_ sequenceNumber: Int64, ts: Int64, key: Bool = false, padding: Bool = false) -> IncomingPacket {
        TestPackets.incoming(sequenceNumber, ts: ts, key: key, padding: padding)
    }

    static let initialSequenceNumber: UInt16 = 100
    static let initialTimestamp: UInt32 = 1000

    static let cases: [Case] = [
        Case(name: "video waits for a keyframe, then starts at the initial values", kind: .video, steps: [
            Step(packet: video(10, ts: 0), expect: .drop(.waitingForKeyframe)),
            Step(packet: video(11, ts: 0), expect: .drop(.waitingForKeyframe)),
            Step(packet: video(12, ts: 3000, key: true), expect: .forward(100, 1000)),
            Step(packet: video(13, ts: 3000), expect: .forward(101, 1000)),
            Step(packet: video(14, ts: 6000), expect: .forward(102, 4000)),
        ]),
        Case(name: "audio starts with the first packet", kind: .audio, steps: [
            Step(packet: video(50, ts: 960), expect: .forward(100, 1000)),
            Step(packet: video(51, ts: 1920), expect: .forward(101, 1960)),
        ]),
        Case(name: "padding-only packets are dropped and the numbers close over them", kind: .video, steps: [
            Step(packet: video(1, ts: 0, key: true), expect: .forward(100, 1000)),
            Step(packet: video(2, ts: 0), expect: .forward(101, 1000)),
            Step(packet: video(3, ts: 0, padding: true), expect: .drop(.paddingOnly)),
            Step(packet: video(4, ts: 0, padding: true), expect: .drop(.paddingOnly)),
            Step(packet: video(5, ts: 3000), expect: .forward(102, 4000)),
            Step(packet: video(6, ts: 3000), expect: .forward(103, 4000)),
        ]),
        Case(name: "upstream loss stays a gap, and the late packets fill it exactly", kind: .video, steps: [
            Step(packet: video(1, ts: 0, key: true), expect: .forward(100, 1000)),
            Step(packet: video(2, ts: 0), expect: .forward(101, 1000)),
            Step(packet: video(5, ts: 3000), expect: .forward(104, 4000)),
            Step(packet: video(3, ts: 0), expect: .forward(102, 1000)),
            Step(packet: video(4, ts: 3000), expect: .forward(103, 4000)),
            Step(packet: video(4, ts: 3000), expect: .drop(.duplicate)),
        ]),
        Case(name: "reordered and duplicated packets", kind: .video, steps: [
            Step(packet: video(1, ts: 0, key: true), expect: .forward(100, 1000)),
            Step(packet: video(3, ts: 0), expect: .forward(102, 1000)),
            Step(packet: video(2, ts: 0), expect: .forward(101, 1000)),
            Step(packet: video(2, ts: 0), expect: .drop(.duplicate)),
            Step(packet: video(3, ts: 0), expect: .drop(.duplicate)),
            Step(packet: video(4, ts: 3000), expect: .forward(103, 4000)),
            Step(packet: video(4, ts: 3000), expect: .drop(.duplicate)),
        ]),
        Case(name: "a late packet maps with the offset of its own position, across a dropped padding run", kind: .video,
             steps: [
                 Step(packet: video(1, ts: 0, key: true), expect: .forward(100, 1000)),
                 Step(packet: video(3, ts: 0), expect: .forward(102, 1000)),
                 Step(packet: video(4, ts: 0, padding: true), expect: .drop(.paddingOnly)),
                 Step(packet: video(5, ts: 0, padding: true), expect: .drop(.paddingOnly)),
                 Step(packet: video(7, ts: 3000), expect: .forward(104, 4000)),
                 Step(packet: video(2, ts: 0), expect: .forward(101, 1000)),
                 Step(packet: video(6, ts: 3000), expect: .forward(103, 4000)),
                 Step(packet: video(4, ts: 0, padding: true), expect: .drop(.duplicate)),
             ]),
        Case(name: "a late padding packet fills its gap rather than leave a hole", kind: .video, steps: [
            Step(packet: video(1, ts: 0, key: true), expect: .forward(100, 1000)),
            Step(packet: video(3, ts: 0), expect: .forward(102, 1000)),
            Step(packet: video(2, ts: 0, padding: true), expect: .forward(101, 1000)),
        ]),
        Case(name: "a packet from before the segment start cannot be placed", kind: .video, steps: [
            Step(packet: video(10, ts: 3000, key: true), expect: .forward(100, 1000)),
            Step(packet: video(9, ts: 0), expect: .drop(.tooOld)),
        ]),
        Case(name: "the first packet never starts on padding", kind: .audio, steps: [
            Step(packet: video(1, ts: 0, padding: true), expect: .drop(.paddingOnly)),
            Step(packet: video(2, ts: 960), expect: .forward(100, 1000)),
        ]),
    ]

    @Test("decision table", arguments: cases)
    func table(_ testCase: Case) {
        var forwarder = Forwarder(configuration: .init(kind: testCase.kind, codec: testCase.kind == .video ? .vp8 : .opus,
                                                       clockRate: 90_000, ssrc: 0xBEEF, payloadType: 98,
                                                       initialSequenceNumber: Self.initialSequenceNumber,
                                                       initialTimestamp: Self.initialTimestamp))
        for (index, step) in testCase.steps.enumerated() {
            let decision = forwarder.translate(step.packet, at: step.packet.arrival)
            let got: Expect = switch decision {
            case .forward(let rewrite): .forward(rewrite.sequenceNumber, rewrite.timestamp)
            case .drop(let reason): .drop(reason)
            }
            #expect(got == step.expect, "step \(index): in seq \(step.packet.sequenceNumber)")
            if let rewrite = decision.rewrite {
                #expect(rewrite.ssrc == 0xBEEF)
                #expect(rewrite.payloadType == 98)
            }
        }
    }

    @Test("every drop reason is counted, and forwards are counted with their payload octets")
    func counters() {
        var forwarder = Forwarder(configuration: .init(kind: .video, codec: .vp8, clockRate: 90_000, ssrc: 1, payloadType: 96))
        _ = forwarder.translate(Self.video(1, ts: 0), at: .zero)
        _ = forwarder.translate(Self.video(2, ts: 0, key: true), at: .zero)
        _ = forwarder.translate(Self.video(3, ts: 0, padding: true), at: .zero)
        _ = forwarder.translate(Self.video(3, ts: 0, padding: true), at: .zero)
        #expect(forwarder.counters.dropped(.waitingForKeyframe) == 1)
        #expect(forwarder.counters.dropped(.paddingOnly) == 1)
        #expect(forwarder.counters.dropped(.duplicate) == 1)
        #expect(forwarder.counters.forwarded == 1)
        #expect(forwarder.packetCount == 1)
        #expect(forwarder.payloadOctetCount == 100)
    }
}
