import Hummingbird

/// Reads a request body up to a limit. Past the limit it goes on reading and dropping, within
/// `RefusedBody`'s bounds, so that a client that writes its whole body before reading the answer
/// is not left stuck writing (the body can be iterated only once, so the reader does it).
enum BoundedBodyReader {
    enum Outcome: Equatable {
        case complete([UInt8])
        case tooLarge
        case failed
    }

    static func read<Body: AsyncSequence>(_ body: Body, limit: Int) async -> Outcome where Body.Element == ByteBuffer {
        var collected: [UInt8] = []
        var overflowedAt: ContinuousClock.Instant?
        var dropped = 0
        do {
            for try await chunk in body {
                if let overflowedAt {
                    dropped += chunk.readableBytes
                    if dropped > RefusedBody.maxDiscardBytes || ContinuousClock.now - overflowedAt > RefusedBody.maxDiscardTime {
                        break
                    }
                } else if collected.count + chunk.readableBytes <= limit {
                    collected += chunk.readableBytesView
                } else {
                    overflowedAt = .now
                    dropped = chunk.readableBytes
                }
            }
        } catch {
            return overflowedAt == nil ? .failed : .tooLarge
        }
        return overflowedAt == nil ? .complete(collected) : .tooLarge
    }
}
