/// One whole coded frame taken out of RTP: what a muxer stores as one block.
public struct MediaFrame: Sendable, Equatable {
    /// The RTP timestamp all of the frame's packets carried.
    public var timestamp: UInt32
    /// When the frame's first packet arrived (the recorder's clock, milliseconds).
    public var arrivalMilliseconds: Int64
    public var isKeyframe: Bool
    public var bytes: [UInt8]

    public init(timestamp: UInt32, arrivalMilliseconds: Int64, isKeyframe: Bool, bytes: [UInt8]) {
        self.timestamp = timestamp
        self.arrivalMilliseconds = arrivalMilliseconds
        self.isKeyframe = isKeyframe
        self.bytes = bytes
    }
}

/// Why a packet's payload was not used. Hostile or damaged input ends up here, never in a trap.
public enum DepacketizeError: Error, Sendable, Equatable {
    case malformedRTP
    case malformedPayload
    /// A frame lost a packet: it is dropped, and so is everything until the next keyframe.
    case incompleteFrame
}
