// The report's media figures: the options (audio, simulcast, the impaired network), each
// publisher's layers and audio, and per viewer its audio, its loss repair, the simulcast layer it
// decoded and what its impaired path did. docs/load.md lists them.
extension LoadReport {
    public struct MediaScenario: Codable, Sendable {
        public var audio = true
        public var simulcast = 1
        public var lossPercent = 0.0
        /// `--burst-loss` as given (AVERAGE%:MEAN-BURST-PACKETS).
        public var burstLoss: String?
        public var jitterMilliseconds = 0.0
        public var delayMilliseconds = 0.0
        public var capKbps: Int?
        public var seed: UInt64 = 1
        public var impairHost = false
        /// Viewers sent transport-wide congestion feedback (`--transport-cc`).
        public var transportCC = false
        public init() {}
    }

    /// One simulcast layer a publisher sent (the only one without simulcast).
    public struct Layer: Codable, Sendable {
        public var rid: String?
        public var width = 0
        public var height = 0
        public var framesSent = 0
        public var keyframesSent = 0
        /// PLI/FIR the server sent for this layer.
        public var keyframeRequests = 0
        public init() {}
    }

    /// What an impaired path did to the packets that crossed it.
    public struct Network: Codable, Sendable {
        public var packets = 0
        public var dropped = 0
        public var lostRandomly = 0
        public var lostInBursts = 0
        public var droppedQueueFull = 0
        public init() {}
    }

    public struct ViewerMedia: Codable, Sendable {
        public struct Audio: Codable, Sendable {
            public var packets = 0
            public var lost = 0
            public var lossPercent = 0.0
            public var opusDecodeErrors = 0
            public var framesDecoded = 0
            public var framesConcealed = 0
            /// Decoded frames that carried the publishers' 440 Hz tone.
            public var toneFrames = 0
            public var latePackets = 0
            public init() {}
        }

        public struct Repair: Codable, Sendable {
            /// NACK packets sent (each lists one or more sequence numbers).
            public var nackPacketsSent = 0
            /// Sequence numbers NACKed at least once, and of those, the ones that then arrived.
            public var packetsNacked = 0
            public var packetsRecovered = 0
            public var plisSent = 0
            /// Video packets that reached the tool (after the impairment).
            public var videoPackets = 0
            public var framesIncomplete = 0
            public var framesSkippedUntilKeyframe = 0
            public init() {}
        }

        /// Over all the publishers' Opus streams; nil without audio.
        public var audio: Audio?
        public var repair = Repair()
        /// Transport-wide feedback packets it sent (with `--transport-cc`).
        public var transportFeedbackSent = 0
        /// The width of the last picture decoded (the simulcast layer received), the smallest
        /// over its publishers, and pictures decoded by width.
        public var lastWidth: Int?
        public var framesByWidth: [String: Int] = [:]
        /// The receive path's impairment; nil on a clean path.
        public var network: Network?
        public init() {}
    }

    /// Audio over every viewer: the fewest packets, the worst loss and the decode errors in all.
    public struct AudioSummary: Codable, Sendable, Equatable {
        public var minPackets = 0
        public var maxLossPercent = 0.0
        public var opusDecodeErrors = 0

        /// Nil when no viewer had audio.
        public init?(_ viewers: [ViewerMedia]) {
            let audio = viewers.compactMap(\.audio)
            guard !audio.isEmpty else { return nil }
            minPackets = audio.map(\.packets).min() ?? 0
            maxLossPercent = audio.map(\.lossPercent).max() ?? 0
            opusDecodeErrors = audio.map(\.opusDecodeErrors).reduce(0, +)
        }
    }
}
