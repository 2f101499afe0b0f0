#if canImport(Glibc)
import Glibc
#endif

/// A plain OS thread for synthetic peers' senders and readers (benchmarks, chobi-load): they
/// block in poll(2) and spin on a pacing clock, which must not happen on Swift's two-thread
/// cooperative pool (the service's control calls run there) or on a media loop being measured.
public final class PeerThread {
    private var thread = pthread_t()
    private var started = false

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    public init(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        let created = pthread_create(&thread, nil, { argument in
            guard let argument else { return nil }
            Unmanaged<Body>.fromOpaque(argument).takeRetainedValue().run()
            return nil
        }, box)
        started = created == 0
        if !started {
            // No thread: run inline so the benchmark still ends (slower, but bounded).
            Unmanaged<Body>.fromOpaque(box).takeRetainedValue().run()
        }
    }

    public func join() { if started { pthread_join(thread, nil) } }
}
