import RTP
import SRTP
import Synchronization
import SyntheticMedia
import SyntheticPeers

/// One synthetic host on its own thread: a frame every 1/fps from its `VideoPublisherTrack`,
/// protected and sent; between frames it reads the server's RTCP and answers PLI/FIR with a
/// keyframe and NACK from its history.
final class LoadPublisher: @unchecked Sendable {
    // @unchecked: the counters are written by the publisher's thread only and read after `join`.
    let peer: SyntheticPeer
    let track: VideoPublisherTrack
    let fps: Int
    let stop = Atomic<Bool>(false)
    private(set) var keyframeRequests = 0
    private(set) var nacksAnswered = 0
    private(set) var badRTCP = 0
    private var out = [UInt8](repeating: 0, count: 2048)
    private var input = [UInt8](repeating: 0, count: 2048)

    init(peer: SyntheticPeer, track: VideoPublisherTrack, fps: Int) {
        self.peer = peer
        self.track = track
        self.fps = max(1, fps)
    }

    func run(seconds: Double) {
        guard let srtp = peer.srtp else { return }
        let start = monotonicNanos()
        let end = start + UInt64(seconds * 1e9)
        let interval = 1_000_000_000 / UInt64(fps)
        var due = start
        while !stop.load(ordering: .relaxed), monotonicNanos() < end {
            let now = monotonicNanos()
            if now >= due {
                let packets = (try? track.nextFrame(captureMilliseconds: LoadClock.milliseconds(now))) ?? []
                for packet in packets { send(packet, with: srtp) }
                due += interval
                continue
            }
            peer.waitReadable(milliseconds: Int32(max(1, min(10, (due - now) / 1_000_000))))
            readFeedback(with: srtp)
        }
    }

    private func send(_ packet: [UInt8], with srtp: SRTPSession) {
        guard packet.count + SRTPSession.requiredRTPCapacity <= out.count else { return }
        let length = out.withUnsafeMutableBytes { buffer -> Int in
            UnsafeMutableRawBufferPointer(rebasing: buffer[0..<packet.count]).copyBytes(from: packet)
            return (try? srtp.protectRTP(buffer, length: packet.count)) ?? 0
        }
        if length > 0 { out.withUnsafeBytes { peer.send(UnsafeRawBufferPointer(rebasing: $0[0..<length])) } }
    }

    private func readFeedback(with srtp: SRTPSession) {
        while let n = peer.receive(into: &input), n > 0 {
            guard n >= 8, (200...206).contains(input[1]) || (192...223).contains(input[1]) else { continue }
            let length = input.withUnsafeMutableBytes { (try? srtp.unprotectRTCP($0, length: n)) ?? 0 }
            guard length > 0 else {
                badRTCP += 1
                continue
            }
            input.withUnsafeBytes { bytes in
                var reader = RTCPReader(UnsafeRawBufferPointer(rebasing: bytes[0..<length]))
                while let slice = try? reader.next() {
                    guard let packet = try? RTCPPacket(parsing: UnsafeRawBufferPointer(rebasing: bytes[slice.range])) else { continue }
                    switch packet {
                    case .pictureLossIndication, .fullIntraRequest:
                        keyframeRequests += 1
                        track.requestKeyframe()
                    case .nack(let nack):
                        for pair in nack.pairs {
                            pair.forEachLost { sequence in
                                if let again = track.retransmission(of: sequence) {
                                    nacksAnswered += 1
                                    send(again, with: srtp)
                                }
                            }
                        }
                    default:
                        break
                    }
                }
            }
        }
    }
}

/// The one clock publishers stamp and viewers read: milliseconds of CLOCK_MONOTONIC, modulo 2³²
/// (what fits the frame stamp; differences are taken modulo 2³² too).
enum LoadClock {
    static func milliseconds(_ nanoseconds: UInt64 = monotonicNanos()) -> UInt32 {
        UInt32(truncatingIfNeeded: nanoseconds / 1_000_000)
    }
}
