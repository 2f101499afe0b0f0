// A synthetic media stream's schedule, packet by packet: sequence numbers, timestamps, frame
// boundaries (marker), keyframes, VP8-style picture ids and send times. It says *what* a sender
// would emit, not the bytes (this target has no RTP dependency); suites turn each planned packet
// into bytes with their own builder. Pair with `ImpairedDelivery` for loss, reordering and
// duplicates.

/// One packet a synthetic sender emits.
public struct PlannedPacket: Sendable, Equatable {
    /// Ordinal of the packet in the stream, from 0.
    public var index: Int
    public var sequenceNumber: UInt16
    public var timestamp: UInt32
    /// Last packet of its frame.
    public var marker: Bool
    public var frameIndex: Int
    public var packetInFrame: Int
    /// The frame this packet belongs to is a keyframe.
    public var isKeyframe: Bool
    /// First packet of its frame.
    public var startsFrame: Bool { packetInFrame == 0 }
    /// When the sender emits it.
    public var sendTime: Duration
    /// A 15-bit picture id, one per frame.
    public var pictureID: UInt16
    /// Index of the last base-layer frame (one temporal layer: one per frame).
    public var tl0PictureIndex: UInt8
}

/// A stream of frames at a fixed rate, each split into a fixed number of packets.
public struct MediaStreamPlan: Sendable, Equatable {
    public var clockRate: UInt32
    public var frameInterval: Duration
    public var packetsPerFrame: Int
    /// Every this many frames is a keyframe (frame 0 always is); 0 means only frame 0.
    public var keyframeInterval: Int
    public var initialSequenceNumber: UInt16
    public var initialTimestamp: UInt32
    public var initialPictureID: UInt16
    public var initialTL0PictureIndex: UInt8
    public var start: Duration

    public init(clockRate: UInt32 = 90_000, frameInterval: Duration = .milliseconds(33), packetsPerFrame: Int = 3,
                keyframeInterval: Int = 0, initialSequenceNumber: UInt16 = 1000, initialTimestamp: UInt32 = 5000,
                initialPictureID: UInt16 = 100, initialTL0PictureIndex: UInt8 = 10, start: Duration = .seconds(1000)) {
        self.clockRate = clockRate
        self.frameInterval = frameInterval
        self.packetsPerFrame = max(packetsPerFrame, 1)
        self.keyframeInterval = keyframeInterval
        self.initialSequenceNumber = initialSequenceNumber
        self.initialTimestamp = initialTimestamp
        self.initialPictureID = initialPictureID
        self.initialTL0PictureIndex = initialTL0PictureIndex
        self.start = start
    }

    /// 20 ms Opus-like audio: 48 kHz, one packet per frame.
    public static func audio(initialSequenceNumber: UInt16 = 500, initialTimestamp: UInt32 = 48_000,
                             start: Duration = .seconds(1000)) -> MediaStreamPlan {
        MediaStreamPlan(clockRate: 48_000, frameInterval: .milliseconds(20), packetsPerFrame: 1, keyframeInterval: 1,
                        initialSequenceNumber: initialSequenceNumber, initialTimestamp: initialTimestamp, start: start)
    }

    /// Timestamp ticks per frame.
    public var ticksPerFrame: UInt32 {
        let (seconds, attoseconds) = frameInterval.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        return UInt32(truncatingIfNeeded: nanoseconds * Int64(clockRate) / 1_000_000_000)
    }

    /// The packet with ordinal `index`.
    public func packet(_ index: Int) -> PlannedPacket {
        let frame = index / packetsPerFrame
        let inFrame = index % packetsPerFrame
        let keyframe = frame == 0 || (keyframeInterval > 0 && frame % keyframeInterval == 0)
        let sendTime = start + frameInterval * frame + .microseconds(100) * inFrame
        return PlannedPacket(
            index: index,
            sequenceNumber: initialSequenceNumber &+ UInt16(truncatingIfNeeded: index),
            timestamp: initialTimestamp &+ UInt32(truncatingIfNeeded: frame) &* ticksPerFrame,
            marker: inFrame == packetsPerFrame - 1,
            frameIndex: frame,
            packetInFrame: inFrame,
            isKeyframe: keyframe,
            sendTime: sendTime,
            pictureID: (initialPictureID &+ UInt16(truncatingIfNeeded: frame)) & 0x7FFF,
            tl0PictureIndex: initialTL0PictureIndex &+ UInt8(truncatingIfNeeded: frame))
    }

    /// Packets `range` of the stream.
    public func packets(_ range: Range<Int>) -> [PlannedPacket] { range.map(packet) }

    /// The first `frames` frames.
    public func frames(_ frames: Int) -> [PlannedPacket] { packets(0..<frames * packetsPerFrame) }
}
