/// What a `Forwarder` decided for one incoming packet.
public enum ForwardDecision: Sendable, Equatable {
    /// Send the packet to the viewer, rewritten so.
    case forward(RTPRewrite)
    /// Do not send it, for this reason.
    case drop(DropReason)

    /// The rewrite, when the decision is to forward.
    @inlinable public var rewrite: RTPRewrite? {
        if case .forward(let rewrite) = self { return rewrite }
        return nil
    }
}

/// Why a forwarder did not forward a packet. Each is counted; only `waitingForKeyframe` asks the
/// publisher for something.
public enum DropReason: Sendable, Equatable, Hashable, CaseIterable {
    /// Video that has not started (or restarts after a pause or source change) waits for a keyframe.
    case waitingForKeyframe
    /// The track is muted or the viewer paused it.
    case paused
    /// A padding-only packet in order: dropped, and the sequence numbers close over it.
    case paddingOnly
    /// A packet already forwarded (or already dropped) for this viewer.
    case duplicate
    /// A late packet from before the current mapping (before a pause, before the offsets the
    /// forwarder still remembers, or older than its history), which it can no longer place.
    case tooOld
    /// A packet from a source epoch the forwarder already left.
    case staleSource
    /// A VP8 frame of a temporal layer above what the viewer gets now; the sequence numbers and
    /// picture ids close over it.
    case temporalLayer
}
