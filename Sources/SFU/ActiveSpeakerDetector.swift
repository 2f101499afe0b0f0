/// Decides who is speaking in a room, from the audio levels publishers put in their packets
/// (RFC 6464), sans-I/O.
///
/// Feed every audio packet's level to `record` (bounded work, no allocation: a fixed table of
/// `capacity` speakers, the stalest evicted when a new one arrives); call `poll` when
/// `nextDeadline` passes. `poll` returns the ordered list of active speakers, dominant first, only
/// when it changed, and never twice within `minimumReportInterval`.
///
/// A packet is *voiced* when it says voice activity and its level is under `silenceLevel`.
/// - A speaker enters the list after speaking for `minimumSpeakingTime` (voiced packets with no
///   pause longer than `pauseTolerance`), so a cough or a door slam does not.
/// - Loudness is the amplitude of voiced packets (0 for the rest, and for missing packets),
///   smoothed exponentially with `smoothingTime` as time constant.
/// - The dominant speaker (first in the list) is replaced only when another listed speaker, still
///   speaking, has been `switchRatio` times louder for `switchHoldTime`: two people at the same
///   level taking turns do not flip it, and a brief noise does not take it.
/// - A speaker leaves the list `hangover` after their last voiced packet (silence, mute, or no
///   packets at all).
/// The others follow the dominant speaker by when they last were dominant, then by when they
/// started speaking, so the list changes only when someone enters, leaves or takes over.
///
/// What it does not: no decoding (levels come from the header extension), no per-track mixing,
/// no notion of who is subscribed; it does not read a clock or send anything.
public struct ActiveSpeakerDetector: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Speakers tracked at once; a new one evicts the one whose last packet is oldest.
        public var capacity = 64
        /// Entries in a reported list at most.
        public var maximumListed = 8
        /// Levels at or above this (-dBov) are silence whatever the voice-activity flag says.
        public var silenceLevel: UInt8 = 70
        /// When false, the voice-activity flag is ignored and the level alone decides (for
        /// senders that never set it).
        public var trustsVoiceActivity = true
        /// Time constant of the loudness average.
        public var smoothingTime: Duration = .milliseconds(300)
        /// Speaking this long, without a longer pause than `pauseTolerance`, enters the list.
        public var minimumSpeakingTime: Duration = .milliseconds(200)
        /// A gap between voiced packets up to this long is part of the same speech (syllables,
        /// breaths, a lost packet); longer ends it.
        public var pauseTolerance: Duration = .milliseconds(300)
        /// How much louder (amplitude ratio; 2 ≈ 6 dB) a speaker must be to take over.
        public var switchRatio = 2.0
        /// How long they must stay that much louder.
        public var switchHoldTime: Duration = .milliseconds(200)
        /// A speaker leaves the list this long after their last voiced packet.
        public var hangover: Duration = .seconds(1)
        /// Reports are at least this far apart (4 a second by default).
        public var minimumReportInterval: Duration = .milliseconds(250)
        /// A gap between packets longer than this counts as silence in the average.
        public var packetGapAsSilence: Duration = .milliseconds(100)

        public init() {}
    }

    private struct Speaker: Sendable {
        var participant: ParticipantID
        var inUse: Bool
        /// Smoothed amplitude as of `lastPacketAt`.
        var loudness: Double
        var lastPacketAt: Duration
        /// Start of the current run of voiced packets; nil when not speaking.
        var speakingSince: Duration?
        var lastVoicedAt: Duration
        var isListed: Bool
        var listedSince: Duration
        var lastDominantAt: Duration?
        /// Since when this speaker has been `switchRatio` times louder than the dominant one.
        var louderSince: Duration?

        static let empty = Speaker(participant: 0, inUse: false, loudness: 0, lastPacketAt: .zero, speakingSince: nil,
                                   lastVoicedAt: .zero, isListed: false, listedSince: .zero, lastDominantAt: nil,
                                   louderSince: nil)
    }

    public let configuration: Configuration
    private var speakers: [Speaker]
    private var dominant: Int?
    /// The list last returned by `poll`, and when.
    private var reported: [ParticipantID]
    private var reportedAt: Duration?
    /// The list as it stands, rebuilt by `poll` in place (capacity reserved at init).
    private var current: [ParticipantID]
    /// Slot indices being ordered by `poll` (capacity reserved at init).
    private var order: [Int]
    /// Set when something happened that `poll` must look at; nil when nothing is pending.
    private var deadline: Duration?

    /// Packets recorded.
    public private(set) var packets = 0
    /// Speakers evicted because the table was full.
    public private(set) var evictions = 0
    /// Times a speaker became dominant (the first one included).
    public private(set) var dominantChanges = 0

    public init(configuration: Configuration = Configuration()) {
        var configuration = configuration
        configuration.capacity = max(configuration.capacity, 1)
        configuration.maximumListed = max(configuration.maximumListed, 1)
        self.configuration = configuration
        speakers = Array(repeating: .empty, count: configuration.capacity)
        reported = []
        reported.reserveCapacity(configuration.maximumListed)
        current = []
        current.reserveCapacity(configuration.maximumListed)
        order = []
        order.reserveCapacity(configuration.capacity)
    }

    /// The dominant speaker as of the last `poll` (it may not be reported yet).
    public var dominantSpeaker: ParticipantID? { dominant.map { speakers[$0].participant } }

    /// The list last returned by `poll`.
    public var activeSpeakers: [ParticipantID] { reported }

    /// When `poll` should next run; nil when nothing can change without a new packet.
    public var nextDeadline: Duration? { deadline }

    /// Records one audio packet from `participant`: `level` in -dBov (0 loudest, 127 silent),
    /// `voiceActivity` the RFC 6464 V flag. Times may arrive slightly out of order.
    public mutating func record(participant: ParticipantID, level: UInt8, voiceActivity: Bool, at now: Duration) {
        packets += 1
        let index = slot(for: participant, at: now)
        var speaker = speakers[index]
        let voiced = (voiceActivity || !configuration.trustsVoiceActivity) && level < configuration.silenceLevel
        let elapsed = now - speaker.lastPacketAt
        if elapsed > .zero {
            // A long gap was silence; the packet itself weighs as the last `packetGapAsSilence` of it.
            let silent = elapsed - min(elapsed, configuration.packetGapAsSilence)
            speaker.loudness *= SpeakerLevel.decay(elapsed: silent, timeConstant: configuration.smoothingTime)
            let weight = 1 - SpeakerLevel.decay(elapsed: elapsed - silent, timeConstant: configuration.smoothingTime)
            let sample = voiced ? SpeakerLevel.amplitude(level) : 0
            speaker.loudness += (sample - speaker.loudness) * weight
            speaker.lastPacketAt = now
        }
        if voiced {
            if let since = speaker.speakingSince, now - speaker.lastVoicedAt <= configuration.pauseTolerance {
                speaker.speakingSince = min(since, now)
            } else {
                speaker.speakingSince = now
            }
            speaker.lastVoicedAt = max(speaker.lastVoicedAt, now)
            if !speaker.isListed, let since = speaker.speakingSince,
               speaker.lastVoicedAt - since >= configuration.minimumSpeakingTime {
                speaker.isListed = true
                speaker.listedSince = now
                schedule(at: now)
            }
        }
        if let dominant, dominant != index {
            let theirs = loudness(of: speakers[dominant], at: now)
            if speaker.loudness > theirs * configuration.switchRatio {
                if speaker.louderSince == nil {
                    speaker.louderSince = now
                    schedule(at: now + configuration.switchHoldTime)
                }
            } else {
                speaker.louderSince = nil
            }
        }
        speakers[index] = speaker
        if speaker.isListed { schedule(at: speaker.lastVoicedAt + configuration.hangover) }
        if dominant == nil, speaker.isListed { schedule(at: now) }
    }

    /// Forgets `participant` (they left the room or stopped publishing audio).
    public mutating func remove(participant: ParticipantID) {
        guard let index = find(participant) else { return }
        release(index)
    }

    /// Applies what time has changed (departures, a new dominant speaker) and returns the ordered
    /// list of active speakers when it differs from the last one returned, and the last report is
    /// at least `minimumReportInterval` old; nil otherwise.
    public mutating func poll(at now: Duration) -> [ParticipantID]? {
        // Plain optional updates, not a capturing local function: that would box `next` on the heap.
        var next: Duration?

        for index in speakers.indices where speakers[index].inUse {
            var speaker = speakers[index]
            if speaker.speakingSince != nil, now - speaker.lastVoicedAt > configuration.pauseTolerance {
                // Stopped speaking: no longer a challenger either (keeps the deadline in the future).
                speaker.speakingSince = nil
                speaker.louderSince = nil
            }
            if speaker.isListed, now - speaker.lastVoicedAt >= configuration.hangover {
                speaker.isListed = false
                speaker.louderSince = nil
                if dominant == index {
                    speaker.lastDominantAt = now
                    dominant = nil
                }
            }
            speakers[index] = speaker
        }
        electDominant(at: now)

        for index in speakers.indices where speakers[index].inUse && speakers[index].isListed {
            let speaker = speakers[index]
            next = Self.earliest(next, speaker.lastVoicedAt + configuration.hangover)
            if let since = speaker.louderSince, index != dominant {
                next = Self.earliest(next, since + configuration.switchHoldTime)
            }
        }

        rebuildList()
        var report: [ParticipantID]?
        if current != reported {
            if let reportedAt, now - reportedAt < configuration.minimumReportInterval {
                next = Self.earliest(next, reportedAt + configuration.minimumReportInterval)
            } else {
                reported.removeAll(keepingCapacity: true)
                reported.append(contentsOf: current)
                reportedAt = now
                report = Array(current)
            }
        }
        deadline = next
        return report
    }

    // MARK: - Internals

    /// Loudness of `speaker` at `now`: packets that stopped coming count as silence.
    private func loudness(of speaker: Speaker, at now: Duration) -> Double {
        let missing = now - speaker.lastPacketAt - configuration.packetGapAsSilence
        return speaker.loudness * SpeakerLevel.decay(elapsed: missing, timeConstant: configuration.smoothingTime)
    }

    /// Keeps the dominant speaker unless a listed one, still speaking, has been clearly louder for
    /// long enough; with none, the loudest listed speaker becomes dominant at once.
    private mutating func electDominant(at now: Duration) {
        var best: Int?
        var bestLoudness = -1.0
        for index in speakers.indices where speakers[index].inUse && speakers[index].isListed && index != dominant {
            let speaker = speakers[index]
            if dominant != nil {
                guard let since = speaker.louderSince, now - since >= configuration.switchHoldTime,
                      now - speaker.lastVoicedAt <= configuration.pauseTolerance else { continue }
            }
            let value = loudness(of: speaker, at: now)
            if value > bestLoudness {
                best = index
                bestLoudness = value
            }
        }
        guard let best else { return }
        if let previous = dominant { speakers[previous].lastDominantAt = now }
        dominant = best
        dominantChanges += 1
        speakers[best].lastDominantAt = now
        for index in speakers.indices { speakers[index].louderSince = nil }
    }

    /// `current` ← the dominant speaker, then the other listed ones by when they were last
    /// dominant (most recent first), then by when they entered, then by id.
    private mutating func rebuildList() {
        order.removeAll(keepingCapacity: true)
        for index in speakers.indices where speakers[index].inUse && speakers[index].isListed && index != dominant {
            // Insertion sort: at most `capacity` entries, a few times a second, and no allocation.
            var position = order.count
            order.append(index)
            while position > 0, precedes(index, order[position - 1]) {
                order[position] = order[position - 1]
                position -= 1
            }
            order[position] = index
        }
        current.removeAll(keepingCapacity: true)
        if let dominant { current.append(speakers[dominant].participant) }
        for index in order where current.count < configuration.maximumListed {
            current.append(speakers[index].participant)
        }
    }

    private func precedes(_ a: Int, _ b: Int) -> Bool {
        let left = speakers[a]
        let right = speakers[b]
        switch (left.lastDominantAt, right.lastDominantAt) {
        case let (l?, r?) where l != r: return l > r
        case (.some, nil): return true
        case (nil, .some): return false
        default: break
        }
        if left.listedSince != right.listedSince { return left.listedSince < right.listedSince }
        return left.participant < right.participant
    }

    private func find(_ participant: ParticipantID) -> Int? {
        // A linear scan of a fixed table (64 entries by default): bounded, cache-friendly, no hashing.
        for index in speakers.indices where speakers[index].inUse && speakers[index].participant == participant {
            return index
        }
        return nil
    }

    /// The slot of `participant`, taking a free one or evicting the stalest speaker.
    private mutating func slot(for participant: ParticipantID, at now: Duration) -> Int {
        var free: Int?
        var stalest = 0
        for index in speakers.indices {
            let speaker = speakers[index]
            if speaker.inUse {
                if speaker.participant == participant { return index }
                if speaker.lastPacketAt < speakers[stalest].lastPacketAt { stalest = index }
            } else if free == nil {
                free = index
            }
        }
        let index: Int
        if let free {
            index = free
        } else {
            evictions += 1
            release(stalest)
            index = stalest
        }
        speakers[index] = .empty
        speakers[index].inUse = true
        speakers[index].participant = participant
        speakers[index].lastPacketAt = now
        return index
    }

    private mutating func release(_ index: Int) {
        // Due at once: the list lost an entry (`poll` still spaces the report).
        if speakers[index].isListed { schedule(at: .zero) }
        if dominant == index { dominant = nil }
        speakers[index] = .empty
    }

    /// Makes sure `nextDeadline` is no later than `instant`; `poll` recomputes it exactly.
    private mutating func schedule(at instant: Duration) {
        deadline = Self.earliest(deadline, instant)
    }

    private static func earliest(_ deadline: Duration?, _ instant: Duration) -> Duration {
        deadline.map { min($0, instant) } ?? instant
    }
}
