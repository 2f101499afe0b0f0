/// What a probe found in a playable file.
public struct MediaInfo: Sendable, Equatable {
    public enum Container: String, Sendable {
        case webm, matroska, mp4
    }

    public struct Track: Sendable, Equatable {
        public enum Kind: String, Sendable { case video, audio, other }
        public var number: UInt64
        public var kind: Kind
        /// The Matroska codec id (`V_VP8`, `A_OPUS`, …), or ffprobe's codec name for MP4.
        public var codec: String
        public var width: Int?
        public var height: Int?
        public var sampleRate: Double?
        public var channels: Int?

        public init(number: UInt64, kind: Kind, codec: String, width: Int? = nil, height: Int? = nil,
                    sampleRate: Double? = nil, channels: Int? = nil) {
            self.number = number
            self.kind = kind
            self.codec = codec
            self.width = width
            self.height = height
            self.sampleRate = sampleRate
            self.channels = channels
        }
    }

    public var container: Container
    public var durationMs: Int64
    public var tracks: [Track]
    /// The stream ends early (a live recording cut by a crash): it plays up to the last whole
    /// element. Only with `WebMProbe.Options.allowTruncatedTail`.
    public var incomplete: Bool
    /// Where the first video keyframe's coded bytes are in the file (WebM/Matroska, unlaced
    /// SimpleBlocks): what a thumbnail is decoded from. Nil when none was found.
    public var firstVideoKeyframe: ByteSpan?

    /// A run of bytes in the file.
    public struct ByteSpan: Sendable, Equatable {
        public var offset: UInt64
        public var count: UInt64

        public init(offset: UInt64, count: UInt64) {
            self.offset = offset
            self.count = count
        }
    }

    public init(container: Container, durationMs: Int64, tracks: [Track], incomplete: Bool = false,
                firstVideoKeyframe: ByteSpan? = nil) {
        self.container = container
        self.durationMs = durationMs
        self.tracks = tracks
        self.incomplete = incomplete
        self.firstVideoKeyframe = firstVideoKeyframe
    }

    public var video: Track? { tracks.first { $0.kind == .video } }
    public var audio: Track? { tracks.first { $0.kind == .audio } }

    /// The MIME type a browser needs to play the file.
    public var mimeType: String {
        switch container {
        case .webm, .matroska: "video/webm"
        case .mp4: "video/mp4"
        }
    }
}
