import RTP

/// Maps one stream's 32-bit RTP timestamps to the recording's milliseconds, across wraps.
///
/// Tracks start from different random RTP offsets, so each stream anchors its first timestamp
/// to the arrival time of its first packet: audio and video then line up as they arrived, and
/// within a stream the RTP clock (not arrival jitter) spaces the frames. When the RTP clock and
/// arrival disagree by more than `maxDriftMilliseconds`, the stream's clock jumped (a recorder
/// subscribing again after its room was recreated starts from a new random timestamp): the
/// timeline anchors again at arrival, so time goes on from where it was instead of leaping hours.
public struct RTPTimeline: Sendable {
    public let clockRate: Int64
    public let maxDriftMilliseconds: Int64
    /// At a jump, the least time after the previous frame: about one frame, so the frames on
    /// either side of the jump never share a timestamp in a player's time base.
    public let gapAtJumpMilliseconds: Int64
    private var unwrapper = TimestampUnwrapper()
    private var anchor: (timestamp: Int64, milliseconds: Int64)?
    private var last: Int64 = .min
    public private(set) var reanchors = 0

    public init(clockRate: UInt32, maxDriftMilliseconds: Int64 = 5_000, gapAtJumpMilliseconds: Int64 = 20) {
        self.clockRate = Int64(max(1, clockRate))
        self.maxDriftMilliseconds = maxDriftMilliseconds
        self.gapAtJumpMilliseconds = max(1, gapAtJumpMilliseconds)
    }

    /// The frame's time in milliseconds; never earlier than the previous frame's (a muxer needs
    /// each track in order, and a reordered timestamp would otherwise step back).
    public mutating func milliseconds(for timestamp: UInt32, arrivalMilliseconds: Int64) -> Int64 {
        let extended = unwrapper.unwrap(timestamp)
        var ms = anchor.map { $0.milliseconds + Self.scaled(extended - $0.timestamp, clockRate) } ?? arrivalMilliseconds
        if anchor == nil || abs(ms - arrivalMilliseconds) > maxDriftMilliseconds {
            if anchor != nil { reanchors += 1 }
            ms = last == .min ? arrivalMilliseconds : max(arrivalMilliseconds, last + gapAtJumpMilliseconds)
            anchor = (extended, ms)
        }
        last = max(last, ms)
        return last
    }

    /// Ticks to milliseconds; the product cannot overflow for any 64-bit delta a 32-bit clock unwraps to.
    private static func scaled(_ ticks: Int64, _ rate: Int64) -> Int64 {
        ticks.multipliedReportingOverflow(by: 1000).partialValue / rate
    }
}
