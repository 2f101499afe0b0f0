#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The safety settings around every tRPC request.
public struct TRPCConfiguration: Sendable {
    /// Largest POST body or decoded `input` parameter (PAYLOAD_TOO_LARGE above it).
    public var maxInputBytes: Int
    /// Most calls in one `?batch=1` request (BAD_REQUEST above it).
    public var maxBatchCalls: Int
    /// Per client address (IPv6: per /64); nil turns it off (benchmarks).
    public var perAddressLimit: RateLimit?
    /// Per authenticated user, on top of the address limit; nil turns it off.
    public var perUserLimit: RateLimit?
    /// Most buckets each limiter keeps (see `TokenBucketLimiter`).
    public var maxTrackedClients: Int
    public var clientAddress: ClientAddressSource
    public var cors: CORSAllowList
    /// Rate-limit time.
    public var clock: MonotonicClock
    /// Token expiry time (JWT `exp` is wall-clock seconds since 1970).
    public var wallClock: @Sendable () -> Date

    public init(maxInputBytes: Int = 64 * 1024,
                maxBatchCalls: Int = 32,
                perAddressLimit: RateLimit? = RateLimit(ratePerSecond: 20, burst: 60),
                perUserLimit: RateLimit? = RateLimit(ratePerSecond: 10, burst: 30),
                maxTrackedClients: Int = 100_000,
                clientAddress: ClientAddressSource = .connection,
                cors: CORSAllowList = .sameOriginOnly,
                clock: MonotonicClock = .continuous,
                wallClock: @escaping @Sendable () -> Date = { Date() }) {
        self.maxInputBytes = max(maxInputBytes, 0)
        self.maxBatchCalls = max(maxBatchCalls, 1)
        self.perAddressLimit = perAddressLimit
        self.perUserLimit = perUserLimit
        self.maxTrackedClients = maxTrackedClients
        self.clientAddress = clientAddress
        self.cors = cors
        self.clock = clock
        self.wallClock = wallClock
    }
}
