/// Shares one viewer's estimated bandwidth between the tracks it subscribes to: which layer of
/// each video track to forward, or none.
///
/// The classic two-pass allocation, in priority order: audio first (always kept, even beyond the
/// estimate: it is cheap and losing it is worst), then video by speaker rank (the active speaker
/// first, tracks of people not speaking last, ties in the order given). Pass one gives each video
/// track its cheapest layer while they fit; pass two spends what is left upgrading them, each to
/// the best layer that fits before the next one is looked at. A layer above the viewer's limits
/// (height, spatial or temporal index) is never chosen, nor one that is not flowing (bitrate 0).
///
/// What it does not: no hysteresis (a `LayerSelector` per track turns allocations into
/// switches), no estimate of its own (that is the congestion controller's), no probing, no
/// per-packet work: it runs when the estimate, the layers or the subscriptions change.
public struct BitrateAllocator: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Fraction of the estimate handed out; the rest absorbs the estimate's error.
        public var usableFraction = 1.0

        public init() {}
    }

    /// An audio track the viewer receives.
    public struct AudioTrack: Sendable, Equatable {
        public var track: TrackID
        /// Bits per second, as measured.
        public var bitrate: UInt64

        public init(track: TrackID, bitrate: UInt64) {
            self.track = track
            self.bitrate = bitrate
        }
    }

    /// A video track the viewer subscribes to, with what the publisher sends and what the viewer asked for.
    public struct VideoTrack: Sendable, Equatable {
        public var track: TrackID
        public var publisher: ParticipantID
        /// The publisher's place in the active-speaker list (0 = dominant); nil when not speaking.
        public var speakerRank: Int?
        public var layers: [VideoLayer]
        /// The tallest picture the viewer wants (its video element's size); nil for no limit.
        public var maxHeight: Int?
        /// The highest spatial / temporal layer the viewer asked for; nil for no limit.
        public var maxSpatial: Int?
        public var maxTemporal: Int?
        /// The viewer paused this track (hidden tile, minimised window).
        public var pausedByViewer: Bool

        public init(track: TrackID, publisher: ParticipantID, speakerRank: Int? = nil, layers: [VideoLayer],
                    maxHeight: Int? = nil, maxSpatial: Int? = nil, maxTemporal: Int? = nil, pausedByViewer: Bool = false) {
            self.track = track
            self.publisher = publisher
            self.speakerRank = speakerRank
            self.layers = layers
            self.maxHeight = maxHeight
            self.maxSpatial = maxSpatial
            self.maxTemporal = maxTemporal
            self.pausedByViewer = pausedByViewer
        }

        /// The layer may be forwarded to this viewer: flowing and within its limits.
        public func allows(_ layer: VideoLayer) -> Bool {
            layer.bitrate > 0
                && layer.spatial >= 0 && layer.temporal >= 0
                && maxHeight.map { layer.height <= $0 } ?? true
                && maxSpatial.map { layer.spatial <= $0 } ?? true
                && maxTemporal.map { layer.temporal <= $0 } ?? true
        }
    }

    public let configuration: Configuration
    /// The allocation last made by `allocate`, for callers that act only on changes.
    public private(set) var lastAllocation: BitrateAllocation?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Allocates `available` bits per second and remembers the result as `lastAllocation`.
    public mutating func allocate(available: UInt64, audio: [AudioTrack], video: [VideoTrack]) -> BitrateAllocation {
        let allocation = Self.allocate(available: available, audio: audio, video: video, configuration: configuration)
        lastAllocation = allocation
        return allocation
    }

    /// The allocation of `available` bits per second among `audio` and `video`, as a value; one
    /// decision per video track, in the order given.
    public static func allocate(available: UInt64, audio: [AudioTrack], video: [VideoTrack],
                                configuration: Configuration = Configuration()) -> BitrateAllocation {
        let fraction = configuration.usableFraction
        let usable = fraction >= 1 ? available
            : fraction > 0 ? UInt64(Double(available) * fraction) : 0  // NaN and negatives give nothing
        let audioBitrate = audio.reduce(UInt64(0)) { sum, track in
            let (total, overflow) = sum.addingReportingOverflow(track.bitrate)
            return overflow ? .max : total
        }
        var remaining = usable > audioBitrate ? usable - audioBitrate : 0

        // Priority order: speaker rank, then not speaking, ties in the order given.
        let order = video.indices.sorted { a, b in
            let left = video[a].speakerRank.map { max($0, 0) } ?? Int.max
            let right = video[b].speakerRank.map { max($0, 0) } ?? Int.max
            return left != right ? left < right : a < b
        }

        var decisions = video.map { track in
            AllocationDecision(track: track.track, publisher: track.publisher, choice: .paused,
                               reason: track.pausedByViewer ? .pausedByViewer : .noLayer, bitrate: 0,
                               wantedBitrate: 0, budget: 0)
        }

        // Pass one: everybody's cheapest layer, most important first.
        for index in order where !video[index].pausedByViewer {
            let track = video[index]
            decisions[index].wantedBitrate = best(of: track, within: .max)?.bitrate ?? 0
            guard let cheapest = cheapest(of: track) else { continue }
            if cheapest.bitrate <= remaining {
                remaining -= cheapest.bitrate
                decisions[index].choice = cheapest.choice
                decisions[index].bitrate = cheapest.bitrate
                decisions[index].reason = .allocated
            } else {
                decisions[index].reason = .insufficientBandwidth
            }
        }

        // Pass two: upgrades, most important first, each as far as what is left allows.
        for index in order where decisions[index].reason == .allocated {
            let current = decisions[index].bitrate
            guard let upgrade = best(of: video[index], within: current + remaining),
                  upgrade.choice > decisions[index].choice else { continue }
            remaining = remaining + current - upgrade.bitrate
            decisions[index].choice = upgrade.choice
            decisions[index].bitrate = upgrade.bitrate
        }

        for index in decisions.indices where !video[index].pausedByViewer {
            decisions[index].budget = decisions[index].bitrate + remaining
        }
        return BitrateAllocation(available: available, audioBitrate: audioBitrate, decisions: decisions)
    }

    /// The cheapest layer the viewer may get (the lower one on equal cost).
    static func cheapest(of track: VideoTrack) -> VideoLayer? {
        var found: VideoLayer?
        for layer in track.layers where track.allows(layer) {
            guard let current = found else {
                found = layer
                continue
            }
            if layer.bitrate < current.bitrate || (layer.bitrate == current.bitrate && layer.choice < current.choice) {
                found = layer
            }
        }
        return found
    }

    /// The best layer the viewer may get that costs at most `limit` (the cheaper one on equal quality).
    static func best(of track: VideoTrack, within limit: UInt64) -> VideoLayer? {
        var found: VideoLayer?
        for layer in track.layers where track.allows(layer) && layer.bitrate <= limit {
            guard let current = found else {
                found = layer
                continue
            }
            if layer.choice > current.choice || (layer.choice == current.choice && layer.bitrate < current.bitrate) {
                found = layer
            }
        }
        return found
    }
}
