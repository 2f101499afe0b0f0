/// The local ids one peer negotiated (`a=extmap`) for the header extensions the SFU reads or
/// writes; 0 where the peer did not negotiate it. Ids are per peer: the same extension can be 3
/// for the publisher and 5 for a viewer, which is why forwarded packets are translated, not copied.
public struct HeaderExtensionIDs: Sendable, Equatable {
    public var mid: UInt8 = 0
    public var rtpStreamID: UInt8 = 0
    public var repairedRTPStreamID: UInt8 = 0
    public var absSendTime: UInt8 = 0
    public var transportSequenceNumber: UInt8 = 0
    public var audioLevel: UInt8 = 0
    public var absCaptureTime: UInt8 = 0
    public var playoutDelay: UInt8 = 0
    public var videoOrientation: UInt8 = 0

    public init() {}

    /// Extensions whose value travels from publisher to viewer untouched. abs-capture-time is
    /// among them on purpose: glass-to-glass latency is measured from it.
    public enum Passthrough: CaseIterable, Sendable {
        case audioLevel, absCaptureTime, playoutDelay, videoOrientation

        /// The longest value passed on: what each extension's definition allows (a longer one
        /// from a publisher is dropped, which also bounds what a translated packet can grow by).
        @inlinable public var maxLength: Int {
            switch self {
            case .audioLevel: 4  // RFC 6464 allows padding the 1-byte value
            case .absCaptureTime: 16
            case .playoutDelay: 3
            case .videoOrientation: 1
            }
        }
    }

    @inlinable
    public func id(of kind: Passthrough) -> UInt8 {
        switch kind {
        case .audioLevel: audioLevel
        case .absCaptureTime: absCaptureTime
        case .playoutDelay: playoutDelay
        case .videoOrientation: videoOrientation
        }
    }

    /// Which pass-through extension a peer's local `id` stands for, if any.
    @inlinable
    public func passthrough(for id: UInt8) -> Passthrough? {
        guard id != 0 else { return nil }
        if id == audioLevel { return .audioLevel }
        if id == absCaptureTime { return .absCaptureTime }
        if id == playoutDelay { return .playoutDelay }
        if id == videoOrientation { return .videoOrientation }
        return nil
    }

    /// Whether this peer gets anything in an extension block from the SFU.
    @inlinable
    public var writesAny: Bool {
        absSendTime | transportSequenceNumber | audioLevel | absCaptureTime | playoutDelay | videoOrientation != 0
    }
}
