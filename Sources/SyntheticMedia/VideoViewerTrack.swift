import RTP

/// A synthetic viewer's video, sans-I/O: RTP packets in (plain, after SRTP), frames assembled,
/// decoded with libvpx when `decodes`, and each decoded picture's stamp read back. What a load
/// test reports per viewer comes from here: frames decoded and lost, glass-to-glass latency
/// (arrival clock minus the capture time drawn into the picture, both on the caller's clock),
/// fps and freezes (a gap over `freezeThreshold` between decoded frames, as WebRTC's stats count
/// them). Without decoding it counts assembled frames only.
///
/// Frames come out of a `VP8FrameBuffer`, which waits a little for retransmissions; a frame
/// after one that was given up is not decoded until a keyframe comes (`receive` says so, for the
/// caller's PLI), as a browser's receiver does: decoding it would draw on a missing reference.
/// The width of each decoded picture is counted, which tells the simulcast layer received.
public final class VideoViewerTrack {
    public let decodes: Bool
    public let freezeThreshold: UInt32
    private var buffer: VP8FrameBuffer
    private let decoder: VP8Decoder?
    private var lastDecodedAt: UInt32?
    private var lastCounter: UInt32?

    public private(set) var packets = 0
    public private(set) var badPackets = 0
    public private(set) var framesAssembled = 0
    public private(set) var framesDecoded = 0
    /// Pictures the decoder refused (a reference missing after loss) or whose stamp did not read.
    public private(set) var decodeFailures = 0
    /// Frame numbers that never arrived between two that did.
    public private(set) var framesMissing = 0
    public private(set) var freezes = 0
    /// Milliseconds, one per decoded picture with a readable stamp.
    public private(set) var latencies: [UInt32] = []
    public private(set) var firstDecodedAt: UInt32?
    /// Frames not decoded because one before them was lost (waiting for a keyframe).
    public private(set) var framesSkipped = 0
    /// Decoded pictures by width, and the width of the last one.
    public private(set) var framesByWidth: [Int: Int] = [:]
    public private(set) var lastWidth: Int?
    private var waitingForKeyframe = false

    /// Frames the jitter buffer gave up on (a packet never came, even after NACKs).
    public var framesIncomplete: Int { buffer.incomplete }

    public init(decodes: Bool = true, freezeThreshold: UInt32 = 200, maxWaitMilliseconds: UInt32 = 100) throws(SyntheticMediaError) {
        self.decodes = decodes
        self.freezeThreshold = freezeThreshold
        buffer = VP8FrameBuffer(maxWaitMilliseconds: maxWaitMilliseconds)
        decoder = decodes ? try VP8Decoder() : nil
        latencies.reserveCapacity(4096)
    }

    /// One RTP packet (plain), received at `nowMilliseconds`. True when it completed a picture
    /// the decoder could not use (the caller should send a PLI).
    @discardableResult
    public func receive(_ packet: [UInt8], nowMilliseconds: UInt32) -> Bool {
        packets += 1
        guard let header = try? RTPHeader(parsing: packet) else {
            badPackets += 1
            return false
        }
        let payload = Array(packet[header.payloadRange])
        let frames: [VP8FrameBuffer.Frame]
        do {
            frames = try buffer.add(payload: payload, sequenceNumber: header.sequenceNumber, timestamp: header.timestamp,
                                    marker: header.marker, nowMilliseconds: nowMilliseconds)
        } catch {
            badPackets += 1
            return false
        }
        var wantsKeyframe = false
        for frame in frames where decode(frame, at: nowMilliseconds) { wantsKeyframe = true }
        return wantsKeyframe
    }

    /// True when the frame could not be used (a keyframe is wanted).
    private func decode(_ frame: VP8FrameBuffer.Frame, at now: UInt32) -> Bool {
        framesAssembled += 1
        guard let decoder else { return false }
        if frame.isKeyframe {
            waitingForKeyframe = false
        } else if !frame.continuous || waitingForKeyframe {
            waitingForKeyframe = true
            framesSkipped += 1
            return true
        }
        let pictures: [VP8Decoder.Picture]
        do {
            pictures = try decoder.decode(frame.bytes)
        } catch {
            decodeFailures += 1
            waitingForKeyframe = true
            return true
        }
        // A delta frame with no reference yields nothing (libvpx says OK and shows no picture).
        var wantsKeyframe = pictures.isEmpty
        if pictures.isEmpty { decodeFailures += 1 }
        for picture in pictures {
            guard let stamp = picture.stamp else {
                decodeFailures += 1
                wantsKeyframe = true
                continue
            }
            framesByWidth[picture.width, default: 0] += 1
            lastWidth = picture.width
            record(stamp, at: now)
        }
        return wantsKeyframe
    }

    private func record(_ stamp: FrameStamp, at now: UInt32) {
        framesDecoded += 1
        if firstDecodedAt == nil { firstDecodedAt = now }
        if let last = lastDecodedAt, now &- last > freezeThreshold { freezes += 1 }
        lastDecodedAt = now
        if let previous = lastCounter, stamp.counter &- previous > 1, stamp.counter &- previous < 1 << 16 {
            framesMissing += Int(stamp.counter &- previous) - 1
        }
        lastCounter = stamp.counter
        latencies.append(now &- stamp.captureMilliseconds)
    }
}
