import Synchronization

/// The per-address and per-user limiters of one mounted API, shared by all its requests.
final class RequestRateLimiter: Sendable {
    private let perAddress: Mutex<TokenBucketLimiter<String>?>
    private let perUser: Mutex<TokenBucketLimiter<String>?>
    private let clock: MonotonicClock

    init(configuration: TRPCConfiguration) {
        perAddress = Mutex(configuration.perAddressLimit.map {
            TokenBucketLimiter(rule: $0, maxKeys: configuration.maxTrackedClients)
        })
        perUser = Mutex(configuration.perUserLimit.map {
            TokenBucketLimiter(rule: $0, maxKeys: configuration.maxTrackedClients)
        })
        clock = configuration.clock
    }

    /// Nil if allowed, else the TOO_MANY_REQUESTS error with its `Retry-After`.
    func admit(address: String, cost: Int) -> TRPCError? {
        let key = ClientAddressSource.rateLimitKey(for: address)
        let now = clock.now()
        return Self.error(for: perAddress.withLock { $0?.take(key, cost: cost, now: now) })
    }

    func admit(user: AuthenticatedUser, cost: Int) -> TRPCError? {
        let now = clock.now()
        return Self.error(for: perUser.withLock { $0?.take(user.id, cost: cost, now: now) })
    }

    private static func error(for decision: TokenBucketLimiter<String>.Decision?) -> TRPCError? {
        guard case .limited(let wait) = decision else { return nil }
        // Retry-After is whole seconds; round up so a client that obeys it is let in.
        let seconds = TokenBucketLimiter<String>.seconds(wait).rounded(.up)
        return .tooManyRequests(retryAfterSeconds: max(1, Int(min(seconds, 86_400))))
    }
}
