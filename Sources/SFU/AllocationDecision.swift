/// What `BitrateAllocator` decided for one video track of one viewer, and why.
public struct AllocationDecision: Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        /// A layer was allocated (`choice` says which).
        case allocated
        /// The viewer paused the track.
        case pausedByViewer
        /// No layer is flowing within the viewer's limits.
        case noLayer
        /// Even the cheapest layer did not fit in what was left.
        case insufficientBandwidth
    }

    public var track: TrackID
    public var publisher: ParticipantID
    public var choice: LayerChoice
    public var reason: Reason
    /// Bits per second the chosen layer costs (0 when paused).
    public var bitrate: UInt64
    /// What the best layer within the viewer's limits would cost (0 when none is flowing): more
    /// than `bitrate` means this track would take more bandwidth (worth probing for).
    public var wantedBitrate: UInt64
    /// The most this track could spend without taking from another one: its `bitrate` plus the
    /// bandwidth nobody used. `LayerSelector` compares it with the current layer's cost to step
    /// down at once when the estimate collapses.
    public var budget: UInt64

    public init(track: TrackID, publisher: ParticipantID, choice: LayerChoice, reason: Reason, bitrate: UInt64,
                wantedBitrate: UInt64, budget: UInt64) {
        self.track = track
        self.publisher = publisher
        self.choice = choice
        self.reason = reason
        self.bitrate = bitrate
        self.wantedBitrate = wantedBitrate
        self.budget = budget
    }
}
