import MatroskaFormat

/// Reads a WebM/Matroska file's structure: the EBML header, the Segment's Info (timecode scale,
/// duration), Tracks (codec ids, dimensions, audio format) and Clusters. When Info has no usable
/// duration it walks every Cluster's SimpleBlock and Block headers (a few bytes each) for the last
/// timestamp. Payloads of frames are never read.
///
/// Sans-I/O: `next()` answers with the bytes it needs (`.read(offset:count:)`), the caller hands
/// them to `provide(_:)` and asks again, until `.finished` or `.failed`. Memory stays bounded
/// whatever the file says: a read is at most `maxLeafBytes`, the element stack at most `maxDepth`,
/// and every element size is checked against its parent and the file before anything is skipped.
///
///     var probe = WebMProbe(fileSize: size)
///     while case .read(let offset, let count) = probe.next() { probe.provide(read(offset, count)) }
public struct WebMProbe: Sendable {
    public struct Options: Sendable {
        /// Elements visited at most (hostile files made of millions of tiny elements end here).
        public var maxElements = 5_000_000
        public var maxDepth = 8
        /// A file that ends inside a Cluster (a recording cut by `kill -9`) is playable up to its
        /// last whole element: accept it, marked incomplete. Uploads leave this off.
        public var allowTruncatedTail = false

        public init(maxElements: Int = 5_000_000, maxDepth: Int = 8, allowTruncatedTail: Bool = false) {
            self.maxElements = maxElements
            self.maxDepth = maxDepth
            self.allowTruncatedTail = allowTruncatedTail
        }
    }

    public enum Step: Sendable, Equatable {
        case read(offset: UInt64, count: Int)
        case finished(MediaInfo)
        case failed(WebMError)
    }

    /// Largest payload read for a value (strings, numbers, a block's first bytes).
    public static let maxLeafBytes = 256

    private struct Frame: Sendable {
        var id: UInt32
        var end: UInt64
        var unknownSize: Bool
        /// The file ends before the size this element declared (a cut recording): children
        /// running past `end` are the cut, not an overflow.
        var cut = false
    }

    private enum Pending: Sendable {
        case header
        case payload(id: UInt32, parent: UInt32, end: UInt64)
    }

    private struct TrackDraft: Sendable {
        var number: UInt64?
        var type: UInt64?
        var codec: String?
        var width: UInt64?
        var height: UInt64?
        var sampleRate: Double?
        var channels: UInt64?
    }

    let fileSize: UInt64
    let options: Options
    private var stack: [Frame] = []
    private var position: UInt64 = 0
    private var pending: Pending?
    private var outcome: Step?
    private var elements = 0

    private var sawEBMLHeader = false
    private var docType = "matroska"
    private var sawSegment = false
    private var timecodeScale: UInt64 = 1_000_000
    private var infoDuration: Double?
    private var tracks: [MediaInfo.Track] = []
    private var draft = TrackDraft()
    private var clusters = 0
    private var blocks = 0
    /// Until Info says otherwise (a usable duration), clusters are walked block by block.
    private var walkBlocks = true
    private var clusterTimecode: UInt64 = 0
    private var groupBlockTime: Double?
    private var groupDuration: UInt64 = 0
    /// Latest end of a frame seen, in timecode units.
    private var lastTime: Double = 0
    private var incomplete = false
    private var firstKeyframe: MediaInfo.ByteSpan?

    public init(fileSize: UInt64, options: Options = Options()) {
        self.fileSize = fileSize
        self.options = options
    }

    // MARK: driving

    public mutating func next() -> Step {
        if let outcome { return outcome }
        if let pending { return request(for: pending) }
        while let top = stack.last, position >= top.end {
            close(stack.removeLast())
        }
        if let outcome { return outcome }
        guard position < fileSize else { return finish() }
        pending = .header
        return request(for: .header)
    }

    /// The bytes of the last `.read` (fewer when the file ends first).
    public mutating func provide(_ bytes: [UInt8]) {
        guard outcome == nil, let current = pending else { return }
        pending = nil
        do throws(WebMError) {
            switch current {
            case .header: try handleHeader(bytes[...])
            case let .payload(id, parent, end):
                guard UInt64(bytes.count) >= min(end - position, UInt64(Self.maxLeafBytes)) else {
                    return outcomeOnCut(at: position)
                }
                try handleValue(id: id, parent: parent, bytes[...], end: end)
                position = end
            }
        } catch {
            outcome = .failed(error)
        }
    }

    /// Runs a probe over bytes already in memory (tests, small files).
    public static func probe(_ bytes: [UInt8], options: Options = Options()) -> Result<MediaInfo, WebMError> {
        var probe = WebMProbe(fileSize: UInt64(bytes.count), options: options)
        while true {
            switch probe.next() {
            case let .read(offset, count):
                let start = Int(offset)
                probe.provide(Array(bytes[start..<min(bytes.count, start + count)]))
            case .finished(let info): return .success(info)
            case .failed(let error): return .failure(error)
            }
        }
    }

    private func request(for pending: Pending) -> Step {
        switch pending {
        case .header:
            return .read(offset: position, count: Int(min(UInt64(EBMLHeader.maxLength), fileSize - position)))
        case let .payload(_, _, end):
            return .read(offset: position, count: Int(min(end - position, UInt64(Self.maxLeafBytes), fileSize - position)))
        }
    }

    // MARK: elements

    private mutating func handleHeader(_ bytes: ArraySlice<UInt8>) throws(WebMError) {
        if position == 0, !(bytes.starts(with: [0x1A, 0x45, 0xDF, 0xA3])) {
            throw .notMatroska(sniffed: FileSniffer.describe(bytes))
        }
        guard let header = try EBMLHeader.parse(bytes) else { return try cutTail(at: position) }
        elements += 1
        guard elements <= options.maxElements else { throw .tooManyElements }
        let parent = stack.last
        // An unknown-size Cluster ends where the next top-level element begins.
        if let parent, parent.unknownSize, parent.id == ID.cluster, ID.segmentChildren.contains(header.id) {
            close(stack.removeLast())
            return try handleHeader(bytes)
        }
        let payloadStart = position + UInt64(header.headerLength)
        let limit = parent?.end ?? UInt64.max
        var end: UInt64
        if let size = header.size {
            let (sum, overflow) = payloadStart.addingReportingOverflow(size)
            guard !overflow, sum <= limit || parent?.cut == true else {
                throw .elementOverflows(id: header.id, offset: position)
            }
            end = sum
        } else {
            guard header.id == ID.segment || header.id == ID.cluster else {
                throw .unknownSizeNotAllowed(id: header.id)
            }
            end = min(limit, fileSize)
        }
        if end > fileSize {
            // The file stops inside this element.
            if header.id == ID.segment || header.id == ID.cluster, options.allowTruncatedTail, sawSegment || header.id == ID.segment {
                incomplete = true
                end = fileSize
            } else {
                try cutTail(at: position)
                return
            }
        }
        let parentID = parent?.id ?? 0
        if descends(into: header.id, parent: parentID) {
            guard stack.count < options.maxDepth else { throw .tooDeep }
            try opened(header.id)
            stack.append(Frame(id: header.id, end: end, unknownSize: header.size == nil, cut: incomplete && end == fileSize))
            position = payloadStart
        } else if wantsValue(header.id, parent: parentID) {
            let size = end - payloadStart
            if header.id != ID.simpleBlock && header.id != ID.block && size > UInt64(Self.maxLeafBytes) {
                throw .oversizedElement(id: header.id, size: size)
            }
            position = payloadStart
            if size == 0 {
                try handleValue(id: header.id, parent: parentID, [], end: end)
                position = end
            } else {
                pending = .payload(id: header.id, parent: parentID, end: end)
            }
        } else {
            if header.id == ID.cluster, parentID == ID.segment { clusters += 1 }
            position = end
        }
    }

    private func descends(into id: UInt32, parent: UInt32) -> Bool {
        switch (parent, id) {
        case (0, ID.ebml), (0, ID.segment): true
        case (ID.segment, ID.info), (ID.segment, ID.tracks): true
        case (ID.tracks, ID.trackEntry): true
        case (ID.trackEntry, ID.video), (ID.trackEntry, ID.audio): true
        // Clusters are entered to walk blocks for the duration, or until a video keyframe is found.
        case (ID.segment, ID.cluster): walkBlocks || firstKeyframe == nil
        case (ID.cluster, ID.blockGroup): true
        default: false
        }
    }

    private func wantsValue(_ id: UInt32, parent: UInt32) -> Bool {
        switch (parent, id) {
        case (ID.ebml, ID.docType): true
        case (ID.info, ID.timestampScale), (ID.info, ID.duration): true
        case (ID.trackEntry, ID.trackNumber), (ID.trackEntry, ID.trackType), (ID.trackEntry, ID.codecID): true
        case (ID.video, ID.pixelWidth), (ID.video, ID.pixelHeight): true
        case (ID.audio, ID.samplingFrequency), (ID.audio, ID.channels): true
        case (ID.cluster, ID.timestamp), (ID.cluster, ID.simpleBlock): true
        case (ID.blockGroup, ID.block), (ID.blockGroup, ID.blockDuration): true
        default: false
        }
    }

    private mutating func opened(_ id: UInt32) throws(WebMError) {
        switch id {
        case ID.ebml: sawEBMLHeader = true
        case ID.segment:
            guard sawEBMLHeader else { throw .notMatroska(sniffed: nil) }
            sawSegment = true
        case ID.trackEntry: draft = TrackDraft()
        case ID.cluster:
            clusters += 1
            clusterTimecode = 0
        case ID.blockGroup:
            groupBlockTime = nil
            groupDuration = 0
        default: break
        }
    }

    private mutating func close(_ frame: Frame) {
        switch frame.id {
        case ID.trackEntry:
            if let track = finishedTrack() { tracks.append(track) }
        case ID.blockGroup:
            if let time = groupBlockTime { lastTime = max(lastTime, time + Double(groupDuration)) }
        case ID.info:
            // Without a usable duration in Info, clusters are walked block by block.
            walkBlocks = infoDuration == nil
        default: break
        }
    }

    private mutating func handleValue(id: UInt32, parent: UInt32, _ bytes: ArraySlice<UInt8>, end: UInt64) throws(WebMError) {
        switch id {
        case ID.docType: docType = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        case ID.timestampScale:
            let scale = try Self.unsigned(bytes, id: id)
            guard scale > 0 else { throw .invalidTimecodeScale }
            timecodeScale = scale
        case ID.duration:
            if let value = try Self.float(bytes, id: id), value.isFinite, value > 0, value < 1e15 { infoDuration = value }
        case ID.trackNumber: draft.number = try Self.unsigned(bytes, id: id)
        case ID.trackType: draft.type = try Self.unsigned(bytes, id: id)
        case ID.codecID: draft.codec = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        case ID.pixelWidth: draft.width = try Self.unsigned(bytes, id: id)
        case ID.pixelHeight: draft.height = try Self.unsigned(bytes, id: id)
        case ID.samplingFrequency: draft.sampleRate = try Self.float(bytes, id: id)
        case ID.channels: draft.channels = try Self.unsigned(bytes, id: id)
        case ID.timestamp: clusterTimecode = try Self.unsigned(bytes, id: id)
        case ID.blockDuration: groupDuration = try Self.unsigned(bytes, id: id)
        case ID.simpleBlock, ID.block:
            // Track number (a varint), then a signed 16-bit timecode relative to the cluster.
            guard let track = EBMLVarInt.parse(bytes), bytes.count >= track.length + 3 else {
                throw .invalidVarInt(kind: "block header")
            }
            let at = bytes.startIndex + track.length
            let relative = Int16(bitPattern: UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1]))
            let time = Double(clusterTimecode) + Double(relative)
            blocks += 1
            if id == ID.block { groupBlockTime = time } else { lastTime = max(lastTime, time) }
            // The first unlaced video keyframe, where a thumbnail can be decoded from.
            let flags = bytes[at + 2]
            let frameStart = position + UInt64(track.length + 3)
            if id == ID.simpleBlock, firstKeyframe == nil, flags & 0x80 != 0, flags & 0x06 == 0, end > frameStart,
               let video = tracks.first(where: { $0.kind == .video }), video.number == track.value {
                firstKeyframe = MediaInfo.ByteSpan(offset: frameStart, count: end - frameStart)
            }
        default: break
        }
    }

    private mutating func finishedTrack() -> MediaInfo.Track? {
        guard let number = draft.number, let codec = draft.codec else { return nil }
        let kind: MediaInfo.Track.Kind = switch draft.type {
        case 1: .video
        case 2: .audio
        default: .other
        }
        func dimension(_ value: UInt64?) -> Int? { value.flatMap { $0 > 0 && $0 <= 16_384 ? Int($0) : nil } }
        return MediaInfo.Track(number: number, kind: kind, codec: codec, width: dimension(draft.width),
                               height: dimension(draft.height),
                               sampleRate: draft.sampleRate.flatMap { $0.isFinite && $0 > 0 ? $0 : nil },
                               channels: draft.channels.flatMap { $0 > 0 && $0 <= 255 ? Int($0) : nil })
    }

    private mutating func finish() -> Step {
        let result: Step
        do throws(WebMError) {
            result = .finished(try summary())
        } catch {
            result = .failed(error)
        }
        outcome = result
        return result
    }

    private func summary() throws(WebMError) -> MediaInfo {
        guard sawEBMLHeader else { throw .notMatroska(sniffed: nil) }
        let container: MediaInfo.Container
        switch docType {
        case "webm": container = .webm
        case "matroska": container = .matroska
        default: throw .unsupportedDocType(docType)
        }
        guard sawSegment else { throw .noSegment }
        guard !tracks.isEmpty else { throw .noTracks }
        guard let video = tracks.first(where: { $0.kind == .video }) else { throw .noVideoTrack }
        for track in tracks where track.kind != .other {
            let known = track.kind == .video ? Self.videoCodecs : Self.audioCodecs
            guard known.contains(track.codec) else { throw .unsupportedCodec(track.codec) }
        }
        guard video.width != nil, video.height != nil else { throw .invalidDimensions }
        guard clusters > 0, !walkBlocks || blocks > 0 else { throw .noFrames }
        let units = walkBlocks ? lastTime : (infoDuration ?? lastTime)
        let ms = units * Double(timecodeScale) / 1_000_000
        guard ms.isFinite, ms >= 0, ms < 1e13 else { throw .invalidTimecodeScale }
        return MediaInfo(container: container, durationMs: Int64(ms.rounded()), tracks: tracks, incomplete: incomplete,
                         firstVideoKeyframe: firstKeyframe)
    }

    private func truncation(at offset: UInt64) -> WebMError { .truncated(offset: offset) }

    /// The file ends inside the element at `offset`: an error, unless a recording's cut tail
    /// (frames already seen) is allowed, in which case the probe stops there, marked incomplete.
    private mutating func cutTail(at offset: UInt64) throws(WebMError) {
        guard options.allowTruncatedTail, clusters > 0 else { throw truncation(at: offset) }
        incomplete = true
        position = fileSize
    }

    private mutating func outcomeOnCut(at offset: UInt64) {
        do throws(WebMError) {
            try cutTail(at: offset)
        } catch {
            outcome = .failed(error)
        }
    }

    // MARK: values

    static let videoCodecs: Set<String> = ["V_VP8", "V_VP9", "V_AV1", "V_MPEG4/ISO/AVC"]
    static let audioCodecs: Set<String> = ["A_OPUS", "A_VORBIS", "A_AAC"]

    static func unsigned(_ bytes: ArraySlice<UInt8>, id: UInt32) throws(WebMError) -> UInt64 {
        guard bytes.count <= 8 else { throw .oversizedElement(id: id, size: UInt64(bytes.count)) }
        return bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }

    static func float(_ bytes: ArraySlice<UInt8>, id: UInt32) throws(WebMError) -> Double? {
        switch bytes.count {
        case 0: return 0
        case 4: return Double(Float(bitPattern: UInt32(truncatingIfNeeded: try unsigned(bytes, id: id))))
        case 8: return Double(bitPattern: try unsigned(bytes, id: id))
        default: return nil
        }
    }
}
