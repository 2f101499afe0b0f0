import RTP

/// Unwraps one published track's sequence numbers and timestamps to 64 bits on arrival (house
/// rule 5) and numbers its *epochs*: runs of packets from one continuous source.
///
/// A new epoch starts when the track is bound to a new SSRC (publisher reconnected, track
/// replaced) or when the sequence numbers jump and the jump is confirmed by the next packet
/// (RFC 3550 A.1: a jump over `maxDropout` or a step back over `maxMisorder` is held as suspect;
/// when the following packet continues from it the source restarted). A lone wild value — a
/// corrupt or hostile packet — is rejected and cannot drag the stream with it.
///
/// Sequence numbers are in *track space*: each epoch gets a base that is a multiple of 65536
/// above everything before it, so values never repeat across epochs (a packet cache keyed by
/// them cannot confuse sources) and truncating one to 16 bits still gives its wire value.
/// Timestamps are unwrapped per epoch; their low 32 bits are the wire value.
public struct InboundStream: Sendable, Equatable {
    /// What `accept` decided for one packet.
    public struct Arrival: Sendable, Equatable {
        /// Track-space extended sequence number.
        public var sequenceNumber: Int64
        /// Extended timestamp within the epoch.
        public var timestamp: Int64
        public var epoch: UInt32
        /// This packet is the first of a new epoch.
        public var startsEpoch: Bool
    }

    /// Sequence jump (forward) beyond which a packet is suspect (RFC 3550 A.1 MAX_DROPOUT).
    public var maxDropout: Int64 = 3000
    /// Step back beyond which a packet is suspect; wider than RFC 3550's 100 because
    /// retransmissions answered after a few RTTs arrive that late at high packet rates.
    public var maxMisorder: Int64 = 1000

    /// The SSRC currently bound to the track.
    public private(set) var ssrc: UInt32
    /// The current epoch (0 for the first); meaningful once a packet was accepted.
    public private(set) var epoch: UInt32 = 0
    /// Highest track-space sequence number accepted so far.
    public private(set) var highestSequenceNumber: Int64?

    private var started = false
    private var sequenceBase: Int64 = 0
    private var sequenceNumbers = SequenceNumberUnwrapper()
    private var timestamps = TimestampUnwrapper()
    /// The value that would confirm a suspect jump (RFC 3550 `bad_seq`).
    private var confirmingSequenceNumber: UInt16?
    /// Packets rejected as wild jumps.
    public private(set) var rejectedJumps = 0

    public init(ssrc: UInt32) { self.ssrc = ssrc }

    /// Binds the track to a new SSRC; the next accepted packet starts a new epoch.
    public mutating func rebind(ssrc: UInt32) {
        self.ssrc = ssrc
        if started { started = false }
        confirmingSequenceNumber = nil
    }

    /// Unwraps a packet's wire values, or returns nil when it is a suspect jump.
    public mutating func accept(sequenceNumber: UInt16, timestamp: UInt32) -> Arrival? {
        guard started, let highest = highestSequenceNumber else {
            return startEpoch(sequenceNumber: sequenceNumber, timestamp: timestamp)
        }
        let candidate = sequenceBase + sequenceNumbers.peek(sequenceNumber)
        let delta = candidate - highest
        if delta > maxDropout || delta < -maxMisorder {
            if confirmingSequenceNumber == sequenceNumber {
                return startEpoch(sequenceNumber: sequenceNumber, timestamp: timestamp)
            }
            confirmingSequenceNumber = sequenceNumber &+ 1
            rejectedJumps += 1
            return nil
        }
        confirmingSequenceNumber = nil
        let extended = sequenceBase + sequenceNumbers.unwrap(sequenceNumber)
        if extended > highest { highestSequenceNumber = extended }
        return Arrival(sequenceNumber: extended, timestamp: unwrapTimestamp(timestamp), epoch: epoch, startsEpoch: false)
    }

    /// Each packet can move the extended timestamp by up to 2^31; a hostile sender could walk it
    /// towards Int64's limit. Real streams never get near 2^48 ticks (99 years at 90 kHz), so
    /// restarting the unwrapper there costs nothing (wire values, mod 2^32, are unchanged).
    private mutating func unwrapTimestamp(_ timestamp: UInt32) -> Int64 {
        let extended = timestamps.unwrap(timestamp)
        guard extended.magnitude > 1 << 48 else { return extended }
        timestamps = TimestampUnwrapper()
        return timestamps.unwrap(timestamp)
    }

    private mutating func startEpoch(sequenceNumber: UInt16, timestamp: UInt32) -> Arrival {
        if let highest = highestSequenceNumber {
            // A whole 16-bit cycle of room below the new base keeps even packets reordered
            // before the epoch's first one above everything of the previous epochs.
            let cycle: Int64 = 1 << 16
            sequenceBase = (highest / cycle + 2) * cycle
            epoch &+= 1
        }
        started = true
        confirmingSequenceNumber = nil
        sequenceNumbers = SequenceNumberUnwrapper()
        timestamps = TimestampUnwrapper()
        let extended = sequenceBase + sequenceNumbers.unwrap(sequenceNumber)
        highestSequenceNumber = extended
        return Arrival(sequenceNumber: extended, timestamp: unwrapTimestamp(timestamp), epoch: epoch, startsEpoch: true)
    }
}
