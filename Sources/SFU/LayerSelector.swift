/// Turns a viewer's allocations for one video track into layer switches, with enough hysteresis
/// that a wobbling estimate does not make the picture flap, sans-I/O.
///
/// Call `update` with each new allocation (and when `nextDeadline` passes, with the same one):
/// - down: once the allocation has wanted a lower layer for `downSwitchDelay` (0.5 s), or at once
///   when the bandwidth left for the track is under `emergencyFraction` (75 %) of what the
///   current layer costs: the viewer would be losing packets meanwhile;
/// - up: once the allocation has wanted a higher layer for `upSwitchDelay` (2 s), and never
///   within `upSwitchHoldoff` (4 s) of the last down-switch: probing up too soon after a loss is
///   what makes a picture flap;
/// - pause: once the allocation has said paused for `pauseDelay` (1 s); resume once a layer has
///   fitted again for `resumeDelay` (2 s). A new subscription starts at once, without hysteresis.
/// Temporal switches within the spatial layer being forwarded take effect at once; a switch to
/// another spatial layer (and a resume) waits for a keyframe of that layer: the selector says
/// `.keyframeNeeded(spatial:)`, keeps `current` until `keyframeArrived(spatial:)`, then reports the
/// change.
///
/// What it does not: no allocation (`BitrateAllocator`), no packet inspection (the caller says
/// when a keyframe of a layer arrives), no keyframe requests or their throttling
/// (`KeyframeRequester`), no reading of a clock. Constant work per call, no allocation.
public struct LayerSelector: Sendable, Equatable {
    public struct Configuration: Sendable, Equatable {
        public var downSwitchDelay: Duration = .milliseconds(500)
        /// Below this fraction of the current layer's cost, a down-switch happens at once.
        public var emergencyFraction = 0.75
        public var upSwitchDelay: Duration = .seconds(2)
        /// No up-switch this soon after a down-switch (or a pause).
        public var upSwitchHoldoff: Duration = .seconds(4)
        public var pauseDelay: Duration = .seconds(1)
        public var resumeDelay: Duration = .seconds(2)

        public init() {}
    }

    public let configuration: Configuration
    /// The layer being forwarded (`.paused`: none).
    public private(set) var current: LayerChoice = .paused
    /// Where the selector is heading: `current`, or a layer whose keyframe is awaited.
    public private(set) var target: LayerChoice = .paused
    /// The viewer was told the track is paused (and will be told when it resumes).
    public private(set) var isPauseAnnounced = false
    /// Changes that took effect (layer changes, pauses, resumes).
    public private(set) var changes = 0

    private var allocated: LayerChoice = .paused
    private var lowerSince: Duration?
    private var higherSince: Duration?
    private var lastDownSwitchAt: Duration?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The spatial layer whose keyframe a pending switch waits for; nil when none is pending.
    public var keyframeNeeded: Int? { target != current ? target.spatial : nil }

    /// When `update` with the same allocation would switch; nil when it would not.
    public var nextDeadline: Duration? {
        if let lowerSince {
            if allocated == .paused { return isPauseAnnounced ? nil : lowerSince + configuration.pauseDelay }
            return lowerSince + configuration.downSwitchDelay
        }
        if let higherSince {
            if target == .paused { return higherSince + configuration.resumeDelay }
            let wanted = higherSince + configuration.upSwitchDelay
            return lastDownSwitchAt.map { max(wanted, $0 + configuration.upSwitchHoldoff) } ?? wanted
        }
        return nil
    }

    /// Takes the allocator's latest choice for this track at `now`. `estimate` is the bandwidth
    /// the track could use (`AllocationDecision.budget`) and `currentLayerBitrate` what the layer
    /// being forwarded costs; with both, a collapse of the estimate switches down at once.
    public mutating func update(allocated choice: LayerChoice, at now: Duration, estimate: UInt64? = nil,
                                currentLayerBitrate: UInt64? = nil) -> LayerSwitch? {
        allocated = choice
        if choice == target {
            higherSince = nil
            // A subscription that never got a layer is announced as paused after the delay.
            if choice == .paused, !isPauseAnnounced { return wantPause(at: now) }
            lowerSince = nil
            return nil
        }
        if choice < target {
            higherSince = nil
            if choice == .paused {
                if current == .paused {
                    // Only a start or a resume was waiting for its keyframe: drop it, nothing to stop.
                    target = .paused
                    if isPauseAnnounced {
                        lowerSince = nil
                        return nil
                    }
                }
                return wantPause(at: now)
            }
            let since = lowerSince ?? now
            lowerSince = since
            let collapsed = estimate.flatMap { estimate in
                currentLayerBitrate.map { Double(estimate) < Double($0) * configuration.emergencyFraction }
            } ?? false
            guard collapsed || now - since >= configuration.downSwitchDelay else { return nil }
            if choice < current { lastDownSwitchAt = now }
            return retarget(choice)
        }
        lowerSince = nil
        if target == .paused {
            // A new subscription starts at once; a paused one waits for the layer to keep fitting.
            guard changes > 0 else { return retarget(choice) }
            let since = higherSince ?? now
            higherSince = since
            guard now - since >= configuration.resumeDelay else { return nil }
            return retarget(choice)
        }
        let since = higherSince ?? now
        higherSince = since
        guard now - since >= configuration.upSwitchDelay else { return nil }
        if let lastDownSwitchAt, now - lastDownSwitchAt < configuration.upSwitchHoldoff { return nil }
        return retarget(choice)
    }

    /// A keyframe of spatial layer `spatial` arrived: a switch waiting for it takes effect.
    public mutating func keyframeArrived(spatial: Int) -> LayerSwitch? {
        guard target != current, case let .layer(targetSpatial, temporal) = target, targetSpatial == spatial else {
            return nil
        }
        let resuming = current == .paused && isPauseAnnounced
        current = target
        changes += 1
        if resuming {
            isPauseAnnounced = false
            return .resumed(spatial: spatial, temporal: temporal)
        }
        return .layerChanged(spatial: spatial, temporal: temporal)
    }

    /// The allocation has said paused since `lowerSince`: pause (or announce it) after `pauseDelay`.
    private mutating func wantPause(at now: Duration) -> LayerSwitch? {
        let since = lowerSince ?? now
        lowerSince = since
        guard now - since >= configuration.pauseDelay else { return nil }
        lowerSince = nil
        let wasForwarding = current != .paused
        current = .paused
        target = .paused
        isPauseAnnounced = true
        if wasForwarding { lastDownSwitchAt = now }
        changes += 1
        return .paused
    }

    /// Heads for `choice` (a layer): at once within the spatial layer being forwarded, else after
    /// a keyframe of the new one.
    private mutating func retarget(_ choice: LayerChoice) -> LayerSwitch? {
        lowerSince = nil
        higherSince = nil
        guard case let .layer(spatial, temporal) = choice else { return nil }
        target = choice
        if choice == current { return nil }  // a pending switch was cancelled: keep forwarding
        if current.spatial == spatial {
            current = choice
            changes += 1
            return .layerChanged(spatial: spatial, temporal: temporal)
        }
        return .keyframeNeeded(spatial: spatial)
    }
}
