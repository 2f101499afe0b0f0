import Hummingbird

/// The procedures of the control API, by name (`"users.getProfile"`), and their mount point.
///
/// ```swift
/// var api = TRPCRouter(tokens: verifier, configuration: .init(cors: .init(origins: ["https://chobi.live"])))
/// api.query("users.getProfile") { (input: ProfileInput, context) in try await profiles.get(input.userId) }
/// api.mutation("users.updateProfile", access: .user) { (input: ProfileUpdate, context) in
///     try await profiles.update(context.requireUser().id, input)
/// }
/// api.mount(on: router)   // GET/POST /api/trpc/...
/// ```
public struct TRPCRouter: Sendable {
    public var configuration: TRPCConfiguration
    public let tokens: UserTokenVerifier?
    /// Calls and latency of every mount of this router, for `/metrics`.
    public let metrics = TRPCMetrics()
    private var procedures: [String: TRPCProcedure] = [:]

    /// `tokens` nil: nobody is ever authenticated (procedures with `.user` access answer
    /// UNAUTHORIZED).
    public init(tokens: UserTokenVerifier?, configuration: TRPCConfiguration = .init()) {
        self.tokens = tokens
        self.configuration = configuration
    }

    /// Registered names, sorted.
    public var procedureNames: [String] { procedures.keys.sorted() }

    /// A read-only procedure, called with `GET`.
    /// `cacheSeconds`: the answer is the same for everyone and may be cached that long.
    public mutating func query<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ name: String, access: TRPCAccess = .anyone, input: Input.Type = Input.self, cacheSeconds: Int? = nil,
        _ handler: @escaping @Sendable (Input, TRPCCallContext) async throws -> Output
    ) {
        register(TRPCProcedure(name: name, kind: .query, access: access, input: input, cacheSeconds: cacheSeconds,
                               handler: handler))
    }

    /// A procedure that changes state, called with `POST`.
    public mutating func mutation<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ name: String, access: TRPCAccess = .anyone, input: Input.Type = Input.self,
        _ handler: @escaping @Sendable (Input, TRPCCallContext) async throws -> Output
    ) {
        register(TRPCProcedure(name: name, kind: .mutation, access: access, input: input, handler: handler))
    }

    private mutating func register(_ procedure: TRPCProcedure) {
        // Names are code, not input: a bad one is a programming error caught at start-up.
        precondition(Self.isValidName(procedure.name), "procedure name \"\(procedure.name)\" must be [A-Za-z0-9_.-]+")
        precondition(procedures[procedure.name] == nil, "procedure \"\(procedure.name)\" registered twice")
        procedures[procedure.name] = procedure
    }

    /// Letters, digits, `_`, `-` and `.`; never `,` (the batch separator) or `/`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."):
                true
            default:
                false
            }
        }
    }

    /// Serves the procedures registered so far under `prefix` (every method, so wrong ones get
    /// a METHOD_NOT_SUPPORTED envelope), behind the CORS allow-list. Each mount has its own
    /// rate-limit buckets.
    public func mount<Context: RequestContext>(on router: Router<Context>, at prefix: String = "/api/trpc") {
        let prefix = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        let endpoint = TRPCEndpoint(prefix: prefix, procedures: procedures, configuration: configuration,
                                    tokens: tokens, limiter: RequestRateLimiter(configuration: configuration),
                                    metrics: metrics)
        let group = router.group(RouterPath(stringLiteral: prefix))
            .add(middleware: CORSAllowListMiddleware<Context>(allowList: configuration.cors))
        let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete, .head, .options]
        for method in methods {
            group.on("", method: method) { request, context in await endpoint.respond(to: request, context: context) }
            group.on("**", method: method) { request, context in await endpoint.respond(to: request, context: context) }
        }
    }
}

/// The input of a procedure that takes none: accepts anything, including no input at all.
public struct TRPCNoInput: Decodable, Sendable, Equatable {
    public init() {}
    public init(from decoder: any Decoder) {}
}
