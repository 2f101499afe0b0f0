import RTP

/// Turns one stream's in-order RTP packets into whole frames (VP8 by RFC 7741, H.264 by RFC 6184
/// as length-prefixed NAL units, Opus one frame per packet, RFC 7587).
///
/// Frames are cut by timestamp and marker bit. After a loss the partial frame is thrown away and
/// video waits for the next keyframe (`needsKeyframe` tells the recorder to ask for one): a
/// decoder fed a frame with a hole, or a delta frame after one, shows garbage.
public struct FrameAssembler: Sendable {
    public enum Codec: Sendable, Equatable { case vp8, h264, opus }

    public let codec: Codec
    /// The size limit of one frame: a stream of packets that never ends a frame cannot grow memory.
    public let maxFrameBytes: Int
    private var current: [UInt8] = []
    private var currentTimestamp: UInt32?
    private var currentArrival: Int64 = 0
    private var currentKeyframe = false
    private var currentBroken = false
    /// H.264 FU-A in progress (its reconstructed NAL header is at `fragmentStart`).
    private var fragmentStart: Int?
    /// Video waits for a keyframe: at the start and after any loss.
    public private(set) var needsKeyframe: Bool
    public private(set) var rejected = 0

    public init(codec: Codec, maxFrameBytes: Int = 4 << 20) {
        self.codec = codec
        self.maxFrameBytes = maxFrameBytes
        needsKeyframe = codec != .opus
        current.reserveCapacity(codec == .opus ? 512 : 64 << 10)
    }

    /// Takes one whole RTP packet (in order; `afterLoss` when packets before it went missing).
    /// Returns a frame when this packet completes one (or shows the previous one ended).
    public mutating func push(packet: [UInt8], arrivalMilliseconds: Int64, afterLoss: Bool) -> Result<MediaFrame?, DepacketizeError> {
        let parsed: (header: RTPHeader, payload: Range<Int>)? = packet.withUnsafeBytes { buffer in
            guard let header = try? RTPHeader(parsing: buffer) else { return nil }
            return (header, header.payloadRange)
        }
        guard let parsed else {
            rejected += 1
            return .failure(.malformedRTP)
        }
        if afterLoss, codec != .opus { breakFrame() }
        let payload = packet[parsed.payload]
        if payload.isEmpty { return .success(nil) }  // padding
        switch codec {
        case .opus:
            return .success(MediaFrame(timestamp: parsed.header.timestamp, arrivalMilliseconds: arrivalMilliseconds,
                                       isKeyframe: true, bytes: Array(payload)))
        case .vp8, .h264:
            var finished: MediaFrame?
            if let timestamp = currentTimestamp, timestamp != parsed.header.timestamp {
                // A new timestamp without the old frame's marker: the marker packet was lost.
                finished = take(complete: false)
            }
            let appended = codec == .vp8 ? appendVP8(payload, timestamp: parsed.header.timestamp, arrival: arrivalMilliseconds)
                                         : appendH264(payload, timestamp: parsed.header.timestamp, arrival: arrivalMilliseconds)
            if !appended {
                rejected += 1
                breakFrame()
                return finished.map { .success($0) } ?? .failure(.malformedPayload)
            }
            if parsed.header.marker { finished = take(complete: true) ?? finished }
            return .success(finished)
        }
    }

    private mutating func begin(timestamp: UInt32, arrival: Int64) {
        if currentTimestamp == nil {
            currentTimestamp = timestamp
            currentArrival = arrival
            current.removeAll(keepingCapacity: true)
            currentKeyframe = false
            currentBroken = false
            fragmentStart = nil
        }
    }

    private mutating func appendVP8(_ payload: ArraySlice<UInt8>, timestamp: UInt32, arrival: Int64) -> Bool {
        let parsed: (VP8PayloadDescriptor, Bool)? = payload.withUnsafeBytes { buffer in
            guard let descriptor = try? VP8PayloadDescriptor(parsing: buffer), descriptor.headerLength <= buffer.count else { return nil }
            return (descriptor, descriptor.isKeyframe(payload: buffer))
        }
        guard let (descriptor, keyframe) = parsed else { return false }
        let startsFrame = descriptor.startOfPartition && descriptor.partitionIndex == 0
        if startsFrame {
            // A frame start while another frame of the same timestamp is open: the old one is broken.
            if currentTimestamp != nil, !current.isEmpty { currentBroken = true }
            begin(timestamp: timestamp, arrival: arrival)
            if current.isEmpty { currentKeyframe = keyframe }
        } else if currentTimestamp == nil {
            // The frame's start was lost.
            begin(timestamp: timestamp, arrival: arrival)
            currentBroken = true
        }
        return appendBytes(payload.dropFirst(descriptor.headerLength))
    }

    private mutating func appendH264(_ payload: ArraySlice<UInt8>, timestamp: UInt32, arrival: Int64) -> Bool {
        let parsed: H264Payload? = payload.withUnsafeBytes { try? H264Payload(parsing: $0) }
        guard let parsed else { return false }
        begin(timestamp: timestamp, arrival: arrival)
        if parsed.isKeyframe { currentKeyframe = true }
        let base = payload.startIndex
        switch parsed.kind {
        case .singleNALUnit:
            fragmentStart = nil
            return appendNAL(payload)
        case .stapA:
            fragmentStart = nil
            let units: [Range<Int>] = payload.withUnsafeBytes { buffer in H264Payload.stapAUnits(buffer).map(\.range) }
            for unit in units where !appendNAL(payload[(base + unit.lowerBound)..<(base + unit.upperBound)]) { return false }
            return true
        case let .fuA(type, start, end):
            guard payload.count >= 2 else { return false }
            if start {
                guard fragmentStart == nil else { currentBroken = true; return true }
                fragmentStart = current.count
                let header = payload[base] & 0xE0 | type
                guard appendBytes([0, 0, 0, 0, header][...]) else { return false }
            } else if fragmentStart == nil {
                currentBroken = true
                return true
            }
            guard appendBytes(payload.dropFirst(2)), let at = fragmentStart else { return false }
            if end {
                let length = UInt32(truncatingIfNeeded: current.count - at - 4)
                current[at] = UInt8(truncatingIfNeeded: length >> 24)
                current[at + 1] = UInt8(truncatingIfNeeded: length >> 16)
                current[at + 2] = UInt8(truncatingIfNeeded: length >> 8)
                current[at + 3] = UInt8(truncatingIfNeeded: length)
                fragmentStart = nil
            }
            return true
        case .other:
            return false
        }
    }

    /// A NAL unit, 4-byte length first (the AVC sample format Matroska stores).
    private mutating func appendNAL(_ unit: ArraySlice<UInt8>) -> Bool {
        let length = UInt32(truncatingIfNeeded: unit.count)
        return appendBytes([UInt8(truncatingIfNeeded: length >> 24), UInt8(truncatingIfNeeded: length >> 16),
                            UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)][...]) && appendBytes(unit)
    }

    private mutating func appendBytes(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard current.count + bytes.count <= maxFrameBytes else { return false }
        current.append(contentsOf: bytes)
        return true
    }

    private mutating func breakFrame() {
        if currentTimestamp != nil { currentBroken = true }
        if codec != .opus { needsKeyframe = true }
    }

    /// Ends the open frame: returns it when whole and decodable in order, else drops it.
    private mutating func take(complete: Bool) -> MediaFrame? {
        guard let timestamp = currentTimestamp else { return nil }
        currentTimestamp = nil
        let broken = currentBroken || !complete || fragmentStart != nil || current.isEmpty
        fragmentStart = nil
        if broken {
            needsKeyframe = true
            return nil
        }
        if needsKeyframe {
            guard currentKeyframe else { return nil }
            needsKeyframe = false
        }
        return MediaFrame(timestamp: timestamp, arrivalMilliseconds: currentArrival, isKeyframe: currentKeyframe, bytes: current)
    }
}
