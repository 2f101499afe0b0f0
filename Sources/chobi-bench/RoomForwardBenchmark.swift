import CAllocationCounter
import RTP
import SFU
import SRTP

/// One VP8 publisher to N viewers inside one Room, in memory: SRTP unprotect of the publisher's
/// packet → Room.handleRTP → per viewer: copy into the pooled egress buffer, rewrite, SRTP protect.
/// Everything the SFU does per packet except the socket write (the transport benchmark adds that).
/// Run once with SRTP and once without, so the SFU's own cost and allocations show apart from
/// libsrtp's.
enum RoomForwardBenchmark {
    static func run(viewerCounts: [Int] = [10, 100, 1000]) throws -> [BenchResult] {
        var results: [BenchResult] = []
        for n in viewerCounts {
            for srtp in [true, false] {
                results.append(try measure(viewers: n, srtp: srtp))
            }
        }
        return results
    }

    private static let profile = SRTPProfile.aeadAes128Gcm

    private static func measure(viewers: Int, srtp: Bool) throws -> BenchResult {
        let key = [UInt8](repeating: 7, count: profile.keyLength)
        let salt = [UInt8](repeating: 9, count: profile.saltLength)
        func session() throws -> SRTPSession {
            try SRTPSession(profile: profile, localKey: key, localSalt: salt, remoteKey: key, remoteSalt: salt)
        }
        let egress = BenchEgress(sessions: srtp ? try (0...viewers).map { _ in try session() } : [])
        let room = Room(sink: egress)
        var now = Duration.seconds(10)
        let publisher = ParticipantID(0)
        try room.addParticipant(publisher, at: now)
        try room.publish(TrackDescriptor(id: 1, codec: .vp8, payloadType: 96, ssrc: 0x1111), by: publisher, at: now)
        for v in 1...viewers {
            try room.addParticipant(ParticipantID(UInt64(v)), at: now)
            try room.subscribe(ParticipantID(UInt64(v)), to: 1,
                               parameters: SubscriptionParameters(ssrc: UInt32(0x2000 + v), payloadType: 96), at: now)
        }

        // Packets as the publisher sends them: a keyframe first (viewers wait for one), then
        // delta frames, each protected with the publisher's key, 1,100-byte payloads.
        let packetCount = max(2_000, 200_000 / viewers)
        let publisherSession = try session()
        let receiveSession = try session()
        var packets: [[UInt8]] = []
        packets.reserveCapacity(packetCount)
        for i in 0..<packetCount {
            let pictureID = UInt16(i / 3) & 0x7FFF
            let firstOfFrame = i % 3 == 0
            var payload: [UInt8] = [firstOfFrame ? 0x90 : 0x80, 0x80, 0x80 | UInt8(pictureID >> 8), UInt8(pictureID & 0xFF)]
            payload += i == 0 ? [0x00, 0x00, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0xE0, 0x01] : [0x01, 0x00, 0x00]
            payload += [UInt8](repeating: 0x5A, count: 1100 - payload.count)
            var packet = try RTPPacketBuilder(payloadType: 96, sequenceNumber: UInt16(truncatingIfNeeded: i),
                                              timestamp: UInt32(i / 3) * 3000, ssrc: 0x1111,
                                              marker: i % 3 == 2).build(payload: payload)
            if srtp { try publisherSession.protectRTP(&packet) }
            packets.append(packet)
        }

        var work = [UInt8](repeating: 0, count: 1500 + SRTPSession.requiredRTPCapacity)
        let clock = ContinuousClock()
        let allocationsBefore = chobi_allocation_count()
        let forwardedBefore = egress.forwarded
        let start = clock.now
        try work.withUnsafeMutableBytes { buffer in
            for packet in packets {
                now += .microseconds(100)
                let length = packet.withUnsafeBytes { p in
                    buffer.copyMemory(from: p)
                    return p.count
                }
                let plain = srtp ? try receiveSession.unprotectRTP(buffer, length: length) : length
                room.handleRTP(from: publisher, packet: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<plain]), at: now)
            }
        }
        let elapsed = clock.now - start
        let allocations = chobi_allocation_count() - allocationsBefore
        let forwarded = egress.forwarded - forwardedBefore
        guard forwarded >= (packetCount - 1) * viewers else {
            throw BenchFailure.forwardedTooFew(expected: packetCount * viewers, got: forwarded)
        }
        let ns = elapsed.nanoseconds / Double(forwarded)
        let label = srtp ? "unprotect+forward+protect" : "forward only (no SRTP)"
        return BenchResult(name: "room \(label), 1→\(viewers)", value: 1e9 / ns, unit: "fwd pkts/s",
                           detail: "\(format2(ns)) ns/pkt, \(format2(Double(allocations) / Double(forwarded))) allocs/pkt, \(egress.errors) errors")
    }
}

/// The transport's part in miniature: a pooled egress buffer, the rewrite, SRTP protect per viewer.
private final class BenchEgress: EgressSink {
    let sessions: [SRTPSession]
    var buffer: UnsafeMutableRawBufferPointer
    var forwarded = 0
    var bytes = 0
    var errors = 0

    init(sessions: [SRTPSession]) {
        self.sessions = sessions
        buffer = .allocate(byteCount: 1500 + SRTPSession.requiredRTPCapacity, alignment: 16)
    }

    deinit { buffer.deallocate() }

    func forward(to participant: ParticipantID, source: UnsafeRawBufferPointer, rewrite: RTPRewrite) {
        guard source.count + rewrite.growth + SRTPSession.requiredRTPCapacity <= buffer.count else { errors += 1; return }
        UnsafeMutableRawBufferPointer(rebasing: buffer[0..<source.count]).copyMemory(from: source)
        do {
            var length = try rewrite.apply(to: buffer, length: source.count)
            if !sessions.isEmpty {
                length = try sessions[Int(participant.rawValue)].protectRTP(buffer, length: length)
            }
            bytes &+= length
            forwarded += 1
        } catch {
            errors += 1
        }
    }

    func sendRTCP(to participant: ParticipantID, bytes: UnsafeRawBufferPointer) {}
}
