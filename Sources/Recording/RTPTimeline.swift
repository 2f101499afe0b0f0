import RTP

/// Maps one stream's 32-bit RTP timestamps to the recording's milliseconds, across wraps.
///
/// Tracks start from different random RTP offsets, so each stream anchors its first timestamp
/// to the arrival time of its first packet: audio and video then line up as they arrived, and
/// within a stream the RTP clock (not arrival jitter) spaces the frames.
public struct RTPTimeline: Sendable {
    public let clockRate: Int64
    private var unwrapper = TimestampUnwrapper()
    private var anchor: (timestamp: Int64, milliseconds: Int64)?
    private var last: Int64 = .min

    public init(clockRate: UInt32) {
        self.clockRate = Int64(max(1, clockRate))
    }

    /// The frame's time in milliseconds; never earlier than the previous frame's (a muxer needs
    /// each track in order, and a reordered timestamp would otherwise step back).
    public mutating func milliseconds(for timestamp: UInt32, arrivalMilliseconds: Int64) -> Int64 {
        let extended = unwrapper.unwrap(timestamp)
        if anchor == nil { anchor = (extended, arrivalMilliseconds) }
        guard let anchor else { return arrivalMilliseconds }
        // Overflow-safe: the delta fits in 2^33 ticks in any realistic recording, times 1000.
        let delta = extended - anchor.timestamp
        let ms = anchor.milliseconds + delta.multipliedReportingOverflow(by: 1000).partialValue / clockRate
        last = max(last, ms)
        return last
    }
}
