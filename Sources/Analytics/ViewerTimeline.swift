/// Peak, average and watch time of an audience from its visits: the exact numbers, not the
/// 10-second samples' approximation (a viewer who stays 4 s between two samples still counts).
///
/// Times are integer milliseconds; a visit still open counts until `until`. Everything is
/// clipped to [from, until], so a visit recorded a little before the start (clock skew between
/// writers) or an open visit of an ended session cannot stretch the numbers.
public struct ViewerTimeline: Sendable, Equatable {
    public struct Visit: Sendable, Equatable {
        public var user: String
        public var joinedMs: Int64
        public var leftMs: Int64?

        public init(user: String, joinedMs: Int64, leftMs: Int64?) {
            self.user = user
            self.joinedMs = joinedMs
            self.leftMs = leftMs
        }
    }

    /// Most viewers at the same instant.
    public var peak: Int
    /// Viewers on average over [from, until]: watch time / duration (0 for an empty span).
    public var average: Double
    /// Distinct users with at least one visit.
    public var unique: Int
    /// Sum of the clipped visits.
    public var watchMilliseconds: Int64

    public init(visits: [Visit], from: Int64, until: Int64) {
        let span = max(0, until - from)
        // +1 at a join, -1 at a leave; at the same instant leaves go first, so a reconnect
        // (leave and join in one millisecond) is not two viewers at once.
        var events: [(at: Int64, delta: Int)] = []
        events.reserveCapacity(visits.count * 2)
        var watch: Int64 = 0
        for visit in visits {
            let start = min(max(visit.joinedMs, from), until)
            let end = max(min(visit.leftMs ?? until, until), start)
            watch += end - start
            guard end > start else { continue }
            events.append((start, 1))
            events.append((end, -1))
        }
        events.sort { $0.at != $1.at ? $0.at < $1.at : $0.delta < $1.delta }
        var current = 0
        var peak = 0
        for event in events {
            current += event.delta
            peak = max(peak, current)
        }
        self.peak = peak
        self.watchMilliseconds = watch
        self.average = span == 0 ? 0 : Double(watch) / Double(span)
        self.unique = Set(visits.map(\.user)).count
    }
}
