import RTP
import SRTP
import Synchronization
import SyntheticMedia
import SyntheticPeers

/// One synthetic host on its own thread: a frame every 1/fps from its `VideoPublisherTrack`
/// (one per simulcast layer, all stamped alike), 20 ms of Opus every 20 ms from its
/// `AudioPublisherTrack`, protected and sent; between them it reads the server's RTCP and answers
/// PLI/FIR with a keyframe of the layer it names and NACK from that stream's history. Every
/// 500 ms it sends a sender report per stream, as browsers do: the SFU passes them on to the
/// viewers, whose receiver reports echo them, and that is how the SFU learns each viewer's
/// round trip (it spaces retransmissions by it).
final class LoadPublisher: @unchecked Sendable {
    // @unchecked: the counters are written by the publisher's thread only and read after `join`.
    let peer: SyntheticPeer
    /// The full-size layer (the only one without simulcast).
    let track: VideoPublisherTrack
    /// Every video layer, lowest first (`track` last).
    let layers: [VideoPublisherTrack]
    let audio: AudioPublisherTrack?
    let fps: Int
    let stop = Atomic<Bool>(false)
    private(set) var keyframeRequests = 0
    private(set) var nacksAnswered = 0
    private(set) var badRTCP = 0
    private var out = [UInt8](repeating: 0, count: 2048)
    private var input = [UInt8](repeating: 0, count: 2048)

    init(peer: SyntheticPeer, track: VideoPublisherTrack, fps: Int, lowerLayers: [VideoPublisherTrack] = [],
         audio: AudioPublisherTrack? = nil) {
        self.peer = peer
        self.track = track
        layers = lowerLayers + [track]
        self.audio = audio
        self.fps = max(1, fps)
    }

    /// Keyframes asked for, by the layer's width (one entry without simulcast).
    private(set) var keyframeRequestsByWidth: [Int: Int] = [:]
    /// The send path's impairment (`--impair-host`; nil: a clean path) and what it holds.
    var impairment: NetworkImpairment?
    private var line = DelayLine()
    private var held = [UInt8](repeating: 0, count: 2048)
    private var reports = [UInt8](repeating: 0, count: 1500)
    private(set) var senderReportsSent = 0
    /// When the last video frame and the last audio frame were captured (monotonic ns).
    private var videoCapturedAt: UInt64 = 0
    private var audioCapturedAt: UInt64 = 0
    static let senderReportInterval: UInt64 = 500_000_000

    func run(seconds: Double) {
        guard let srtp = peer.srtp else { return }
        let start = monotonicNanos()
        let end = start + UInt64(seconds * 1e9)
        let interval = 1_000_000_000 / UInt64(fps)
        var due = start
        let audioInterval: UInt64 = 20_000_000
        var audioDue = start
        var reportDue = start + Self.senderReportInterval
        while !stop.load(ordering: .relaxed), monotonicNanos() < end {
            let now = monotonicNanos()
            while let n = line.pop(dueBy: .nanoseconds(Int64(now)), into: &held) {
                held.withUnsafeBytes { peer.send(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            }
            if now >= reportDue {
                sendSenderReports(at: now, with: srtp)
                reportDue += Self.senderReportInterval
            }
            if let audio, now >= audioDue {
                audioCapturedAt = now
                if let packet = try? audio.nextPacket() { send(packet, with: srtp) }
                audioDue += audioInterval
                continue
            }
            if now >= due {
                // Every layer is captured at the same instant: each carries the same stamp.
                let captured = LoadClock.milliseconds(now)
                videoCapturedAt = now
                for layer in layers {
                    for packet in (try? layer.nextFrame(captureMilliseconds: captured)) ?? [] { send(packet, with: srtp) }
                }
                due += interval
                continue
            }
            var next = audio == nil ? due : min(due, audioDue)
            if let release = line.nextRelease { next = min(next, LoadClock.nanoseconds(release)) }
            peer.waitReadable(milliseconds: Int32(max(1, min(10, (next - now) / 1_000_000))))
            readFeedback(with: srtp)
        }
    }

    private func layer(ssrc: UInt32) -> VideoPublisherTrack? {
        layers.count == 1 ? track : layers.first { $0.settings.ssrc == ssrc }
    }

    /// One compound packet with an SR for every stream that has sent: NTP time from the
    /// monotonic clock (only differences matter to the receiver's round trip), the RTP time of
    /// the same instant extrapolated from the last frame's capture.
    private func sendSenderReports(at now: UInt64, with srtp: SRTPSession) {
        let ntp = (now / 1_000_000_000) << 32 | ((now % 1_000_000_000) << 32) / 1_000_000_000
        func rtp(_ last: UInt32, capturedAt: UInt64, clock: UInt64) -> UInt32 {
            last &+ UInt32(truncatingIfNeeded: (now &- capturedAt) * clock / 1_000_000_000)
        }
        var packets: [RTCPPacket] = []
        for layer in layers {
            guard let last = layer.lastTimestamp else { continue }
            packets.append(.senderReport(SenderReport(
                ssrc: layer.settings.ssrc, ntpTimestamp: ntp, rtpTimestamp: rtp(last, capturedAt: videoCapturedAt, clock: 90_000),
                packetCount: UInt32(truncatingIfNeeded: layer.packetsSent), octetCount: UInt32(truncatingIfNeeded: layer.octetsSent))))
        }
        if let audio, let last = audio.lastTimestamp {
            packets.append(.senderReport(SenderReport(
                ssrc: audio.settings.ssrc, ntpTimestamp: ntp, rtpTimestamp: rtp(last, capturedAt: audioCapturedAt, clock: 48_000),
                packetCount: UInt32(truncatingIfNeeded: audio.packetsSent), octetCount: UInt32(truncatingIfNeeded: audio.octetsSent))))
        }
        guard !packets.isEmpty else { return }
        let length = reports.withUnsafeMutableBytes { out -> Int in
            var written = 0
            for packet in packets {
                guard let n = try? packet.marshal(into: UnsafeMutableRawBufferPointer(rebasing: out[written...])) else { return 0 }
                written += n
            }
            guard written + SRTPSession.requiredRTCPCapacity <= out.count else { return 0 }
            return (try? srtp.protectRTCP(out, length: written)) ?? 0
        }
        guard length > 0 else { return }
        senderReportsSent += 1
        reports.withUnsafeBytes { transmit(UnsafeRawBufferPointer(rebasing: $0[0..<length])) }
    }

    private func requestKeyframe(ssrc: UInt32) {
        guard let layer = layer(ssrc: ssrc) else { return }
        keyframeRequests += 1
        keyframeRequestsByWidth[layer.settings.width, default: 0] += 1
        layer.requestKeyframe()
    }

    private func send(_ packet: [UInt8], with srtp: SRTPSession) {
        guard packet.count + SRTPSession.requiredRTPCapacity <= out.count else { return }
        let length = out.withUnsafeMutableBytes { buffer -> Int in
            UnsafeMutableRawBufferPointer(rebasing: buffer[0..<packet.count]).copyBytes(from: packet)
            return (try? srtp.protectRTP(buffer, length: packet.count)) ?? 0
        }
        if length > 0 { out.withUnsafeBytes { transmit(UnsafeRawBufferPointer(rebasing: $0[0..<length])) } }
    }

    /// Onto the wire, through the impairment when there is one.
    private func transmit(_ bytes: UnsafeRawBufferPointer) {
        let now = SyntheticPeer.now
        guard let fate = impairment?.admit(bytes: bytes.count, at: now) else { return peer.send(bytes) }
        guard case .deliver(let at) = fate else { return }
        if at <= now, line.isEmpty { return peer.send(bytes) }
        line.push(bytes, releaseAt: at)
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
                    case .pictureLossIndication(let pli):
                        requestKeyframe(ssrc: pli.mediaSSRC)
                    case .fullIntraRequest(let fir):
                        for entry in fir.entries { requestKeyframe(ssrc: entry.ssrc) }
                    case .nack(let nack):
                        let isAudio = audio != nil && nack.mediaSSRC == audio?.settings.ssrc
                        guard isAudio || layer(ssrc: nack.mediaSSRC) != nil else { continue }
                        for pair in nack.pairs {
                            pair.forEachLost { sequence in
                                let again = isAudio ? audio?.retransmission(of: sequence)
                                                    : layer(ssrc: nack.mediaSSRC)?.retransmission(of: sequence)
                                if let again {
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

    /// A `SyntheticPeer.now` instant back in monotonic nanoseconds.
    static func nanoseconds(_ instant: Duration) -> UInt64 {
        let (seconds, attoseconds) = instant.components
        return UInt64(max(0, seconds)) &* 1_000_000_000 &+ UInt64(max(0, attoseconds / 1_000_000_000))
    }
}
