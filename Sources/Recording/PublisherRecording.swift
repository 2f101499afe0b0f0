/// One publisher's recording, sans-I/O: RTP packets of its video and audio streams in (as the
/// recorder's subscription forwards them: one SSRC per stream, sequence numbers and timestamps
/// already continuous across source and simulcast-layer changes), WebM bytes out.
///
/// Packets are reordered (`PacketReorderer`), assembled into frames (`FrameAssembler`), timed
/// (`RTPTimeline`) and muxed (`WebMMuxer`). Nothing is written before the first video keyframe
/// (its header gives the picture size, and a file must start decodable); audio before it is
/// dropped. A file with no video track starts at its first audio frame.
public struct PublisherRecording: Sendable {
    public enum Stream: Sendable, Equatable { case video, audio }

    public struct Counters: Sendable, Equatable {
        public var packets = 0
        public var framesWritten = 0
        public var framesDropped = 0
        public var rejectedPackets = 0
    }

    private var videoReorder: PacketReorderer
    private var audioReorder: PacketReorderer
    private var video: FrameAssembler?
    private var audio: FrameAssembler?
    private var videoTime: RTPTimeline
    private var audioTime: RTPTimeline
    private var muxer: WebMMuxer?
    private let audioChannels: Int
    /// The recording's time zero on the arrival clock: its first written frame.
    private var origin: Int64?
    private var lastVideoMilliseconds: Int64 = .min
    private var lastAudioMilliseconds: Int64 = .min
    public private(set) var counters = Counters()

    public init(video: FrameAssembler.Codec?, audio: Bool, videoClockRate: UInt32 = 90_000, audioChannels: Int = 2) {
        self.video = video.map { FrameAssembler(codec: $0) }
        self.audio = audio ? FrameAssembler(codec: .opus) : nil
        videoReorder = PacketReorderer(capacity: 512, maxWaitMilliseconds: 250)
        audioReorder = PacketReorderer(capacity: 64, maxWaitMilliseconds: 150)
        // One 30 fps frame: what separates the two sides of a jump (see RTPTimeline).
        videoTime = RTPTimeline(clockRate: videoClockRate, gapAtJumpMilliseconds: 34)
        audioTime = RTPTimeline(clockRate: 48_000)
        self.audioChannels = audioChannels
    }

    /// Whether the recorder should ask the publisher for a keyframe (video started or broke).
    public var needsKeyframe: Bool { video?.needsKeyframe ?? false }

    /// Whether the file has started (its header was handed out).
    public var hasStarted: Bool { muxer != nil }

    /// Media time written so far.
    public var durationMilliseconds: Int64 { muxer?.durationMilliseconds ?? 0 }

    /// Bytes handed out so far.
    public var bytesWritten: Int { muxer?.written ?? 0 }

    /// Takes one whole RTP packet of `stream`; returns bytes to append to the file (often none).
    public mutating func receive(_ stream: Stream, packet: [UInt8], arrivalMilliseconds now: Int64) -> [UInt8] {
        counters.packets += 1
        guard packet.count >= 12, packet[0] >> 6 == 2 else {
            counters.rejectedPackets += 1
            return []
        }
        let sequenceNumber = UInt16(packet[2]) << 8 | UInt16(packet[3])
        var out: [UInt8] = []
        switch stream {
        case .video:
            guard video != nil else { return [] }
            videoReorder.insert(sequenceNumber: sequenceNumber, bytes: packet, arrivalMilliseconds: now)
        case .audio:
            guard audio != nil else { return [] }
            audioReorder.insert(sequenceNumber: sequenceNumber, bytes: packet, arrivalMilliseconds: now)
        }
        drain(now: now, into: &out)
        return out
    }

    private mutating func drain(now: Int64, into out: inout [UInt8]) {
        while let packet = videoReorder.pop(now: now) { assemble(.video, packet, into: &out) }
        while let packet = audioReorder.pop(now: now) { assemble(.audio, packet, into: &out) }
    }

    private mutating func assemble(_ stream: Stream, _ packet: PacketReorderer.Packet, into out: inout [UInt8]) {
        let result: Result<MediaFrame?, DepacketizeError>
        if stream == .video {
            guard var assembler = video else { return }
            result = assembler.push(packet: packet.bytes, arrivalMilliseconds: packet.arrivalMilliseconds, afterLoss: packet.afterLoss)
            video = assembler
        } else {
            guard var assembler = audio else { return }
            result = assembler.push(packet: packet.bytes, arrivalMilliseconds: packet.arrivalMilliseconds, afterLoss: packet.afterLoss)
            audio = assembler
        }
        switch result {
        case .success(let frame?): write(stream, frame, into: &out)
        case .success(nil): break
        case .failure: counters.rejectedPackets += 1
        }
    }

    private mutating func write(_ stream: Stream, _ frame: MediaFrame, into out: inout [UInt8]) {
        let milliseconds = stream == .video
            ? videoTime.milliseconds(for: frame.timestamp, arrivalMilliseconds: frame.arrivalMilliseconds)
            : audioTime.milliseconds(for: frame.timestamp, arrivalMilliseconds: frame.arrivalMilliseconds)
        if muxer == nil {
            guard let header = start(with: stream, frame, at: milliseconds) else {
                counters.framesDropped += 1
                return
            }
            out += header
        }
        guard let origin, milliseconds >= origin, var muxer else {
            counters.framesDropped += 1
            return
        }
        let time = milliseconds - origin
        // Each track's blocks must not go back in time.
        if stream == .video {
            guard time > lastVideoMilliseconds || lastVideoMilliseconds == .min else { counters.framesDropped += 1; return }
            lastVideoMilliseconds = time
        } else {
            guard time > lastAudioMilliseconds || lastAudioMilliseconds == .min else { counters.framesDropped += 1; return }
            lastAudioMilliseconds = time
        }
        out += muxer.add(track: stream == .video ? 1 : 2, milliseconds: time, keyframe: frame.isKeyframe, frame: frame.bytes)
        self.muxer = muxer
        counters.framesWritten += 1
    }

    /// The header, once the first frame that can start the file is here.
    private mutating func start(with stream: Stream, _ frame: MediaFrame, at milliseconds: Int64) -> [UInt8]? {
        var tracks: [WebMMuxer.Track] = []
        if let video {
            guard stream == .video, frame.isKeyframe else { return nil }
            switch video.codec {
            case .vp8:
                guard let size = Self.vp8KeyframeSize(frame.bytes) else { return nil }
                tracks.append(WebMMuxer.Track(number: 1, kind: .vp8(width: size.width, height: size.height)))
            case .h264:
                // A player needs the SPS and PPS up front: the file starts at a keyframe carrying them.
                guard let parameters = H264Parameters(keyframe: frame.bytes) else { return nil }
                tracks.append(WebMMuxer.Track(number: 1, kind: .h264(width: parameters.width, height: parameters.height),
                                              codecPrivate: parameters.decoderConfiguration))
            case .opus:
                return nil
            }
        }
        if audio != nil { tracks.append(WebMMuxer.Track(number: 2, kind: .opus(channels: audioChannels, preSkip: 0))) }
        var muxer = WebMMuxer(tracks: tracks)
        origin = milliseconds
        let header = muxer.header()
        self.muxer = muxer
        return header
    }

    /// Ends the file: what to append, then the patches (Duration, SeekHead, Segment size) to
    /// write in place. Nil when the file never started.
    public mutating func finish() -> (tail: [UInt8], patches: [WebMMuxer.Patch])? {
        var out: [UInt8] = []
        for packet in videoReorder.drain() { assemble(.video, packet, into: &out) }
        for packet in audioReorder.drain() { assemble(.audio, packet, into: &out) }
        guard var muxer else { return nil }
        let finished = muxer.finish(frameMilliseconds: video == nil ? 20 : 33)
        self.muxer = muxer
        return (out + finished.tail, finished.patches)
    }

    /// Width and height from a VP8 keyframe (RFC 6386 §9.1): frame tag, start code 9d 01 2a,
    /// then 14-bit little-endian sizes.
    static func vp8KeyframeSize(_ frame: [UInt8]) -> (width: Int, height: Int)? {
        guard frame.count >= 10, frame[0] & 0x01 == 0, frame[3] == 0x9D, frame[4] == 0x01, frame[5] == 0x2A else { return nil }
        let width = (Int(frame[7]) << 8 | Int(frame[6])) & 0x3FFF
        let height = (Int(frame[9]) << 8 | Int(frame[8])) & 0x3FFF
        guard width > 0, height > 0 else { return nil }
        return (width, height)
    }
}
