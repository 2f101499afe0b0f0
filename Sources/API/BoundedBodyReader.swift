import Hummingbird

/// Reads a request body up to a limit and stops there: a client that sends more (or lies in
/// Content-Length, or streams chunked without end) costs at most one chunk beyond the limit.
enum BoundedBodyReader {
    enum Outcome: Equatable {
        case complete([UInt8])
        case tooLarge
        case failed
    }

    static func read<Body: AsyncSequence>(_ body: Body, limit: Int) async -> Outcome where Body.Element == ByteBuffer {
        var collected: [UInt8] = []
        do {
            for try await chunk in body {
                guard collected.count + chunk.readableBytes <= limit else { return .tooLarge }
                collected += chunk.readableBytesView
            }
        } catch {
            return .failed
        }
        return .complete(collected)
    }
}
