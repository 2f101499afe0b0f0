// An EgressSink that does what a transport does with each decision — copy the source into a
// buffer with tail room and apply the rewrite — and keeps the results for the suites to inspect.
import RTP
import SFU

final class RecordingSink: EgressSink {
    struct Sent {
        let participant: ParticipantID
        let rewrite: RTPRewrite
        /// The packet after the rewrite, as it would be SRTP-protected.
        let bytes: [UInt8]
        let header: RTPHeader
    }

    private(set) var sent: [Sent] = []
    private(set) var rtcp: [(participant: ParticipantID, bytes: [UInt8])] = []
    private(set) var applyFailures = 0

    func forward(to participant: ParticipantID, source: UnsafeRawBufferPointer, rewrite: RTPRewrite) {
        var buffer = [UInt8](repeating: 0, count: source.count + rewrite.growth)
        let length: Int? = buffer.withUnsafeMutableBytes { target in
            UnsafeMutableRawBufferPointer(rebasing: target[0..<source.count]).copyMemory(from: source)
            return try? rewrite.apply(to: target, length: source.count)
        }
        guard let length, let header = try? RTPHeader(parsing: Array(buffer.prefix(length))) else {
            applyFailures += 1
            return
        }
        sent.append(Sent(participant: participant, rewrite: rewrite, bytes: Array(buffer.prefix(length)), header: header))
    }

    func sendRTCP(to participant: ParticipantID, bytes: UnsafeRawBufferPointer) {
        rtcp.append((participant, Array(bytes)))
    }

    func packets(to participant: ParticipantID) -> [Sent] { sent.filter { $0.participant == participant } }

    /// The RTCP packets sent to `participant`, decoded.
    func rtcpPackets(to participant: ParticipantID) -> [RTCPPacket] {
        rtcp.filter { $0.participant == participant }.flatMap { (try? RTCPCompoundPacket(parsing: $0.bytes).packets) ?? [] }
    }

    func removeAll() {
        sent.removeAll()
        rtcp.removeAll()
    }
}
