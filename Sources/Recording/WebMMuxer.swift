import MatroskaFormat

/// Writes a WebM file as media arrives, sans-I/O: every call returns the bytes to append, and
/// `finish` also returns the few in-place patches that make a finished file seekable.
///
/// Layout and why:
/// - The Segment has an unknown size and each Cluster is handed out only once complete, so a file
///   cut by a crash (`kill -9`) is a valid WebM up to its last whole cluster. Clusters close at a
///   video keyframe or after `maxClusterMilliseconds`, so a crash loses at most that much.
/// - The header keeps a Void where a SeekHead to the Cues goes, and an 8-byte Duration. `finish`
///   writes Cues (one per cluster that starts with a video keyframe) after the last cluster and
///   patches the Duration, the SeekHead and the Segment's size: a browser then seeks by range
///   requests straight to the cluster it needs.
public struct WebMMuxer: Sendable {
    public struct Track: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case vp8(width: Int, height: Int)
            case h264(width: Int, height: Int)
            /// Opus at 48 kHz: `preSkip` samples from the encoder (RFC 7845 §4.2).
            case opus(channels: Int, preSkip: UInt16)
        }

        public var number: UInt64
        public var kind: Kind
        /// The codec's setup a decoder needs first (H.264: the avcC record); Opus writes its own.
        public var codecPrivate: [UInt8]?

        public init(number: UInt64, kind: Kind, codecPrivate: [UInt8]? = nil) {
            self.number = number
            self.kind = kind
            self.codecPrivate = codecPrivate
        }

        var isVideo: Bool {
            if case .opus = kind { return false }
            return true
        }
    }

    /// A patch to apply to the file at `offset` (from the start of the file) once written.
    public struct Patch: Sendable, Equatable {
        public var offset: Int
        public var bytes: [UInt8]
    }

    public static let maxClusterMilliseconds: Int64 = 1_000
    static let seekHeadRoom = 64

    public let tracks: [Track]
    public let writingApp: String
    /// Bytes handed out so far (the next byte's offset in the file).
    public private(set) var written = 0
    private var segmentDataStart = 0
    private var durationOffset = 0
    private var seekHeadOffset = 0
    private var cluster = EBMLWriter(reservingCapacity: 1 << 16)
    private var clusterStart: Int64?
    /// The cluster's first video frame: a cue points at the cluster when it is a keyframe.
    private var clusterFirstVideo: (time: Int64, keyframe: Bool)?
    private var cuePoints: [(time: Int64, clusterPosition: Int)] = []
    private var lastTime: Int64 = 0
    private var firstTime: Int64?
    private var headerWritten = false

    public init(tracks: [Track], writingApp: String = "chobi-server") {
        self.tracks = tracks
        self.writingApp = writingApp
    }

    /// The file's first bytes: EBML header, Segment (unknown size), room for a SeekHead, Info and Tracks.
    public mutating func header() -> [UInt8] {
        precondition(!headerWritten, "header() is called once")
        headerWritten = true
        var out = EBMLWriter()
        out.master(EBMLID.ebml) { e in
            e.unsigned(EBMLID.ebmlVersion, 1)
            e.unsigned(EBMLID.ebmlReadVersion, 1)
            e.unsigned(EBMLID.ebmlMaxIDLength, 4)
            e.unsigned(EBMLID.ebmlMaxSizeLength, 8)
            e.string(EBMLID.docType, "webm")
            e.unsigned(EBMLID.docTypeVersion, 4)
            e.unsigned(EBMLID.docTypeReadVersion, 2)
        }
        out.openMaster(EBMLID.segment)
        segmentDataStart = out.count
        seekHeadOffset = out.count
        out.void(total: Self.seekHeadRoom)
        var info = EBMLWriter()
        info.unsigned(EBMLID.timestampScale, 1_000_000)  // timestamps in milliseconds
        info.string(EBMLID.muxingApp, writingApp)
        info.string(EBMLID.writingApp, writingApp)
        let durationAt = info.count
        info.float(EBMLID.duration, 0)
        out.writeID(EBMLID.info)
        out.writeSize(UInt64(info.count))
        // The Duration's 8 value bytes come after its 2-byte id and 1-byte size.
        durationOffset = out.count + durationAt + 3
        out.append(info.bytes)
        out.master(EBMLID.tracks) { t in
            for track in tracks { t.master(EBMLID.trackEntry) { Self.describe(track, into: &$0) } }
        }
        written = out.count
        return out.bytes
    }

    private static func describe(_ track: Track, into e: inout EBMLWriter) {
        e.unsigned(EBMLID.trackNumber, track.number)
        e.unsigned(EBMLID.trackUID, track.number)
        e.unsigned(EBMLID.flagLacing, 0)
        switch track.kind {
        case let .vp8(width, height), let .h264(width, height):
            e.unsigned(EBMLID.trackType, 1)
            if case .vp8 = track.kind { e.string(EBMLID.codecID, "V_VP8") } else { e.string(EBMLID.codecID, "V_MPEG4/ISO/AVC") }
            if let setup = track.codecPrivate { e.binary(EBMLID.codecPrivate, setup) }
            e.master(EBMLID.video) { v in
                v.unsigned(EBMLID.pixelWidth, UInt64(max(1, width)))
                v.unsigned(EBMLID.pixelHeight, UInt64(max(1, height)))
            }
        case let .opus(channels, preSkip):
            e.unsigned(EBMLID.trackType, 2)
            e.string(EBMLID.codecID, "A_OPUS")
            e.binary(EBMLID.codecPrivate, OpusHead(channels: channels, preSkip: preSkip).bytes)
            // Pre-skip in nanoseconds (48 kHz samples), and Opus's recommended 80 ms seek pre-roll.
            e.unsigned(EBMLID.codecDelay, UInt64(preSkip) * 1_000_000_000 / 48_000)
            e.unsigned(EBMLID.seekPreRoll, 80_000_000)
            e.master(EBMLID.audio) { a in
                a.float(EBMLID.samplingFrequency, 48_000)
                a.unsigned(EBMLID.channels, UInt64(max(1, channels)))
            }
        }
    }

    /// Adds one frame of `track` at `milliseconds` (the recording's clock; per track, never
    /// earlier than the track's last frame). Returns a finished cluster's bytes when this frame
    /// starts a new one, else nothing.
    public mutating func add(track: UInt64, milliseconds: Int64, keyframe: Bool, frame: [UInt8]) -> [UInt8] {
        precondition(headerWritten, "header() comes first")
        guard let entry = tracks.first(where: { $0.number == track }) else { return [] }
        if firstTime == nil { firstTime = milliseconds }
        var out: [UInt8] = []
        let videoKey = entry.isVideo && keyframe
        if let start = clusterStart {
            // Block times are 16-bit offsets from their cluster's: start a new cluster before they overflow.
            let offset = milliseconds - start
            if videoKey && offset > 0 || offset >= Self.maxClusterMilliseconds || offset < -30_000 {
                out = closeCluster()
            }
        }
        if clusterStart == nil { clusterStart = milliseconds }
        if entry.isVideo, clusterFirstVideo == nil { clusterFirstVideo = (milliseconds, keyframe) }
        let relative = Int16(clamping: milliseconds - (clusterStart ?? milliseconds))
        cluster.writeID(EBMLID.simpleBlock)
        cluster.writeSize(UInt64(frame.count + 4))
        cluster.append(EBMLWriter.vint(track))
        cluster.append([UInt8(truncatingIfNeeded: UInt16(bitPattern: relative) >> 8), UInt8(truncatingIfNeeded: UInt16(bitPattern: relative))])
        cluster.append([keyframe || !entry.isVideo ? 0x80 : 0x00])
        cluster.append(frame)
        lastTime = max(lastTime, milliseconds)
        return out
    }

    /// The open cluster's bytes (a timestamp and its blocks), and a cue when it starts with a keyframe.
    private mutating func closeCluster() -> [UInt8] {
        guard let start = clusterStart, cluster.count > 0 else { return [] }
        var out = EBMLWriter(reservingCapacity: cluster.count + 16)
        var body = EBMLWriter()
        body.unsigned(EBMLID.timestamp, UInt64(max(0, start)))
        out.writeID(EBMLID.cluster)
        out.writeSize(UInt64(body.count + cluster.count))
        out.append(body.bytes)
        out.append(cluster.bytes)
        // Seeking lands on a cluster and decodes from its first video frame, so only clusters whose
        // first video frame is a keyframe get a cue; audio-only files get one per cluster.
        if let video = clusterFirstVideo {
            if video.keyframe { cuePoints.append((video.time, written - segmentDataStart)) }
        } else if !tracks.contains(where: \.isVideo) {
            cuePoints.append((start, written - segmentDataStart))
        }
        clusterFirstVideo = nil
        written += out.count
        cluster.removeAll()
        clusterStart = nil
        return out.bytes
    }

    /// Media time covered so far, in milliseconds.
    public var durationMilliseconds: Int64 { firstTime.map { lastTime - min($0, 0) } ?? 0 }

    /// Ends the file: the last cluster and the Cues to append, then the patches for Duration,
    /// SeekHead and the Segment's size.
    public mutating func finish(frameMilliseconds: Int64 = 0) -> (tail: [UInt8], patches: [Patch]) {
        var tail = closeCluster()
        let cuesPosition = written - segmentDataStart
        var cues = EBMLWriter()
        if !cuePoints.isEmpty {
            let videoTrack = tracks.first(where: \.isVideo)?.number ?? tracks.first?.number ?? 1
            cues.master(EBMLID.cues) { c in
                for point in cuePoints {
                    c.master(EBMLID.cuePoint) { p in
                        p.unsigned(EBMLID.cueTime, UInt64(max(0, point.time)))
                        p.master(EBMLID.cueTrackPositions) { t in
                            t.unsigned(EBMLID.cueTrack, videoTrack)
                            t.unsigned(EBMLID.cueClusterPosition, UInt64(point.clusterPosition))
                        }
                    }
                }
            }
        }
        tail += cues.bytes
        written += cues.count
        var patches: [Patch] = []
        // Duration: up to the end of the last frame.
        var duration = EBMLWriter()
        duration.float(EBMLID.duration, Double(lastTime + frameMilliseconds))
        patches.append(Patch(offset: durationOffset, bytes: Array(duration.bytes.suffix(8))))
        if cues.count > 0 {
            var seek = EBMLWriter()
            seek.master(EBMLID.seekHead) { h in
                h.master(EBMLID.seek) { s in
                    var id = EBMLWriter()
                    id.writeID(EBMLID.cues)
                    s.binary(EBMLID.seekID, id.bytes)
                    s.unsigned(EBMLID.seekPosition, UInt64(cuesPosition))
                }
            }
            var room = seek
            room.void(total: Self.seekHeadRoom - seek.count)
            patches.append(Patch(offset: seekHeadOffset, bytes: room.bytes))
        }
        // The Segment's size, in the 8 bytes that said "unknown".
        patches.append(Patch(offset: segmentDataStart - 8,
                             bytes: EBMLWriter.vint(UInt64(written - segmentDataStart), width: 8)))
        return (tail, patches)
    }
}

/// The Opus identification header WebM carries as CodecPrivate (RFC 7845 §5.1).
struct OpusHead {
    let channels: Int
    let preSkip: UInt16

    var bytes: [UInt8] {
        var out = Array("OpusHead".utf8)
        out.append(1)  // version
        out.append(UInt8(clamping: max(1, channels)))
        out += [UInt8(truncatingIfNeeded: preSkip), UInt8(truncatingIfNeeded: preSkip >> 8)]
        let rate: UInt32 = 48_000
        out += [UInt8(truncatingIfNeeded: rate), UInt8(truncatingIfNeeded: rate >> 8), UInt8(truncatingIfNeeded: rate >> 16),
                UInt8(truncatingIfNeeded: rate >> 24)]
        out += [0, 0]  // output gain
        out.append(0)  // channel mapping family 0: mono or stereo
        return out
    }
}
