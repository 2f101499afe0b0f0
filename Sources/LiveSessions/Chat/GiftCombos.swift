#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Streaks of the same gift from the same sender in a session: each one within `window` of the
/// sender's last of that gift raises the streak (the `combo` of `gift_animation`); a pause longer
/// than the window starts again at 1. Bounded: streaks older than the window are forgotten.
struct GiftCombos: Sendable {
    static let window: TimeInterval = 3
    static let maxTracked = 100_000

    struct Key: Hashable, Sendable {
        var session: UUID
        var sender: UUID
        var gift: String
    }

    private var streaks: [Key: (at: Date, combo: Int)] = [:]

    /// The streak this gift continues or starts.
    mutating func record(_ key: Key, at now: Date) -> Int {
        if streaks.count >= Self.maxTracked { streaks = streaks.filter { now.timeIntervalSince($0.value.at) <= Self.window } }
        let combo = streaks[key].map { now.timeIntervalSince($0.at) <= Self.window ? $0.combo + 1 : 1 } ?? 1
        streaks[key] = (now, combo)
        return combo
    }
}
