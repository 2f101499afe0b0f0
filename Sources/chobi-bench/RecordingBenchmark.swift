import Recording

/// What recording costs per recorded packet, off the media loop: reorder, depacketize, time and
/// mux (`PublisherRecording.receive`), with the copy out of the tap (one array per packet, on the
/// recorder's thread). The media loop's own share is one slot copy; `room` shows forwarding with
/// recording off, which takes nothing but a nil check on the sink's miss path.
enum RecordingBenchmark {
    static func run() -> [BenchResult] {
        let packets = session(seconds: 20)
        var bytes = 0
        let ns = medianNanosPerIteration(iterations: packets.count) { count in
            var recording = PublisherRecording(video: .vp8, audio: true)
            var written = 0
            for (stream, packet, at) in packets.prefix(count) {
                written += recording.receive(stream, packet: Array(packet[...]), arrivalMilliseconds: at).count
            }
            written += recording.finish()?.tail.count ?? 0
            bytes = written
            return UInt64(written)
        }
        return [BenchResult(name: "recording: depacketize + mux per packet (VP8+Opus)", value: ns, unit: "ns/packet",
                            detail: "\(packets.count) packets, \(bytes / 1024) KiB of WebM for 20 s")]
    }

    /// 20 s of a 640x480-like stream: 30 fps VP8 frames of ~6 KB (a keyframe each 2 s, 30 KB) in
    /// 1,100-byte packets, and 50 Opus packets a second, in arrival order.
    static func session(seconds: Int) -> [(PublisherRecording.Stream, [UInt8], Int64)] {
        var items: [(PublisherRecording.Stream, [UInt8], Int64)] = []
        var sequenceNumber: UInt16 = 1
        for frame in 0..<(seconds * 30) {
            let keyframe = frame % 60 == 0
            var bytes = [UInt8](repeating: UInt8(truncatingIfNeeded: frame), count: keyframe ? 30_000 : 6_000)
            bytes[0] = keyframe ? 0x10 : 0x11
            if keyframe { bytes.replaceSubrange(3..<10, with: [0x9D, 0x01, 0x2A, 0x80, 0x02, 0xE0, 0x01]) }
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + 1_100)
                var packet: [UInt8] = [0x80, end == bytes.count ? 0xE0 : 0x60, UInt8(sequenceNumber >> 8),
                                       UInt8(truncatingIfNeeded: sequenceNumber)]
                let timestamp = UInt32(frame * 3_000)
                packet += [UInt8(timestamp >> 24), UInt8(truncatingIfNeeded: timestamp >> 16),
                           UInt8(truncatingIfNeeded: timestamp >> 8), UInt8(truncatingIfNeeded: timestamp), 0, 0, 0, 1]
                packet += [offset == 0 ? 0x90 : 0x80, 0x80, UInt8((frame >> 8) & 0x7F) | 0x80, UInt8(truncatingIfNeeded: frame)]
                packet += bytes[offset..<end]
                items.append((.video, packet, Int64(frame) * 1_000 / 30))
                sequenceNumber &+= 1
                offset = end
            }
        }
        for index in 0..<(seconds * 50) {
            let timestamp = UInt32(index * 960)
            let packet: [UInt8] = [0x80, 111, UInt8(index >> 8), UInt8(truncatingIfNeeded: index),
                                   UInt8(timestamp >> 24), UInt8(truncatingIfNeeded: timestamp >> 16),
                                   UInt8(truncatingIfNeeded: timestamp >> 8), UInt8(truncatingIfNeeded: timestamp), 0, 0, 0, 2]
                + [UInt8](repeating: 0x55, count: 80)
            items.append((.audio, packet, Int64(index * 20)))
        }
        items.sort { $0.2 < $1.2 }
        return items
    }
}
