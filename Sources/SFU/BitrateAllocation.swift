/// The result of one `BitrateAllocator.allocate` call for one viewer.
public struct BitrateAllocation: Sendable, Equatable {
    /// The estimate the allocation was made for, bits per second.
    public var available: UInt64
    /// What the audio tracks take (always forwarded, even beyond `available`).
    public var audioBitrate: UInt64
    /// One decision per video track, in the order the tracks were given.
    public var decisions: [AllocationDecision]

    public init(available: UInt64, audioBitrate: UInt64, decisions: [AllocationDecision]) {
        self.available = available
        self.audioBitrate = audioBitrate
        self.decisions = decisions
    }

    /// What the chosen video layers take (never more than the estimate: the sum cannot overflow).
    public var videoBitrate: UInt64 { decisions.reduce(0) { $0 + $1.bitrate } }

    /// Audio and video together.
    public var totalBitrate: UInt64 {
        let (total, overflow) = audioBitrate.addingReportingOverflow(videoBitrate)
        return overflow ? .max : total
    }

    /// The estimate nobody used.
    public var spare: UInt64 { available > totalBitrate ? available - totalBitrate : 0 }

    /// Some track would take a better layer with more bandwidth.
    public var isDeficient: Bool { decisions.contains { $0.bitrate < $0.wantedBitrate } }

    /// The decision for `track`, if it was allocated.
    public func decision(for track: TrackID) -> AllocationDecision? {
        decisions.first { $0.track == track }
    }
}
