#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Hummingbird
import Logging

/// Answers every request under the mount point, in the order tRPC's `resolveResponse` does:
/// request-level checks first (rate limits, size, batch shape: one error object, no path), then
/// per call NOT_FOUND, METHOD_NOT_SUPPORTED, UNAUTHORIZED, input (PARSE_ERROR / BAD_REQUEST),
/// and the handler. Never throws: every failure is an envelope.
struct TRPCEndpoint: Sendable {
    let prefix: String
    let procedures: [String: TRPCProcedure]
    let configuration: TRPCConfiguration
    let tokens: UserTokenVerifier?
    let limiter: RequestRateLimiter
    let metrics: TRPCMetrics

    /// Who is calling, decided once per request.
    enum Caller: Sendable {
        case anonymous
        case user(AuthenticatedUser)
        case refused(UserTokenError)

        var user: AuthenticatedUser? {
            if case .user(let user) = self { return user }
            return nil
        }
    }

    typealias CallOutcome = Result<any Encodable & Sendable, TRPCError>

    func respond(to request: Request, context: some RequestContext) async -> Response {
        let started = ContinuousClock.now
        switch request.method {
        case .head:
            // tRPC answers HEAD (used for warm-up) with an empty 204.
            return Response(status: .noContent)
        case .options:
            return Response(status: .noContent, headers: [.allow: "GET, POST, OPTIONS"])
        default:
            break
        }
        let requestID = context.logger[metadataKey: "hb.request.id"].map { "\($0)" } ?? "-"
        let target = TRPCRequestTarget(path: request.uri.path, prefix: prefix, query: request.uri.query)
        let address = configuration.clientAddress.address(of: request, context: context)
        let userAgent = request.headers[.userAgent]
        let cost = target.names.count

        // Refused as a whole: one error object, counted under "request".
        func refuse(_ error: TRPCError) -> Response {
            metrics.record(procedure: "request", code: error.code.rawValue, seconds: (ContinuousClock.now - started).seconds)
            guard error.code == .payloadTooLarge, request.method == .post else { return Self.requestFailure(error) }
            // A declared length over the limit was refused unread; a body that streamed past it
            // was read (and the rest dropped) by the reader.
            let unread = request.headers[.contentLength].flatMap { Int($0) }.map { $0 > configuration.maxInputBytes } ?? false
            return RefusedBody.response(status: Self.httpStatus(error.code.httpStatus), headers: Self.jsonHeaders,
                                        body: TRPCEnvelope.error(error, path: nil, encoder: TRPCEnvelope.makeEncoder()),
                                        discarding: unread ? request.body : nil,
                                        closing: context as? any ConnectionClosingRequestContext)
        }
        if let refused = limiter.admit(address: address, cost: cost) { return refuse(refused) }
        guard target.names.count <= configuration.maxBatchCalls else {
            return refuse(.badRequest("A batch may hold at most \(configuration.maxBatchCalls) calls"))
        }
        let found = target.names.map { procedures[$0] }
        let firstKind = found.lazy.compactMap { $0?.kind }.first
        if found.contains(where: { $0.map { $0.kind != firstKind } ?? false }) {
            return refuse(.badRequest("Cannot mix procedure types in call: query, mutation"))
        }
        let caller = await authenticate(request)
        if let user = caller.user, let refused = limiter.admit(user: user, cost: cost) {
            return refuse(refused)
        }
        let raw: [UInt8]?
        switch await readInput(of: request, target: target) {
        case .success(let bytes): raw = bytes
        case .failure(let error): return refuse(error)
        }

        // Per call: which ones get as far as their input.
        var outcomes = [CallOutcome?](repeating: nil, count: target.names.count)
        var admitted: [TRPCInputDecoder.Call] = []
        let method = request.method.rawValue
        for (index, name) in target.names.enumerated() {
            guard let procedure = found[index] else {
                outcomes[index] = .failure(.notFound(#"No procedure found on path "\#(name)""#))
                continue
            }
            guard procedure.kind.method == method else {
                outcomes[index] = .failure(TRPCError(.methodNotSupported,
                    #"Unsupported \#(method)-request to \#(procedure.kind.rawValue) procedure at path "\#(name)""#))
                continue
            }
            if procedure.access == .user, caller.user == nil {
                outcomes[index] = .failure(Self.unauthorized(caller))
                continue
            }
            admitted.append(.init(index: index, procedure: procedure))
        }

        let inputs = TRPCInputDecoder.decode(raw: raw, isBatch: target.isBatch, calls: admitted)
        var logger = context.logger
        logger[metadataKey: "client"] = "\(address)"
        let results = await run(admitted, inputs: inputs, caller: caller, address: address, userAgent: userAgent,
                                requestID: requestID, logger: logger)
        for (index, outcome) in results { outcomes[index] = outcome }

        var (response, codes) = Self.callsResponse(outcomes: outcomes, names: target.names, isBatch: target.isBatch,
                                                   logger: logger)
        // Cacheable only when every call is, and every call succeeded.
        let ages = found.compactMap { $0?.cacheSeconds }
        if response.status == .ok, !found.isEmpty, ages.count == found.count, let maxAge = ages.min() {
            response.headers[.cacheControl] = "public, max-age=\(maxAge)"
        }
        let seconds = (ContinuousClock.now - started).seconds
        for (index, code) in codes.enumerated() {
            metrics.record(procedure: found[index]?.name ?? "unknown", code: code, seconds: seconds)
        }
        return response
    }

    // MARK: request-level steps

    private func authenticate(_ request: Request) async -> Caller {
        guard let tokens else { return .anonymous }
        let header = request.headers[.authorization]
        guard let header else { return .anonymous }
        guard let token = UserTokenVerifier.bearerToken(fromAuthorization: header) else { return .refused(.missing) }
        do {
            return .user(try await tokens.verify(token, now: configuration.wallClock()))
        } catch {
            return .refused(error)
        }
    }

    private static func unauthorized(_ caller: Caller) -> TRPCError {
        switch caller {
        case .refused(.expired): .unauthorized("Token expired")
        case .refused: .unauthorized("Invalid token")
        case .anonymous, .user: .unauthorized()
        }
    }

    /// The raw input: the decoded `input` parameter for GET, the body for POST (nil when empty),
    /// never more than `maxInputBytes` of it read.
    private func readInput(of request: Request, target: TRPCRequestTarget) async -> Result<[UInt8]?, TRPCError> {
        let limit = configuration.maxInputBytes
        switch request.method {
        case .get:
            // Each decoded byte takes 1-3 characters, so the raw length bounds the work first.
            if let raw = target.rawInput, raw.utf8.count > 3 * limit { return .failure(.payloadTooLarge(limit: limit)) }
            guard let input = target.decodedInput() else { return .success(nil) }
            return input.count > limit ? .failure(.payloadTooLarge(limit: limit)) : .success(input)
        case .post:
            if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
                return .failure(.payloadTooLarge(limit: limit))
            }
            switch await BoundedBodyReader.read(request.body, limit: limit) {
            case .complete(let bytes): return .success(bytes.isEmpty ? nil : bytes)
            case .tooLarge: return .failure(.payloadTooLarge(limit: limit))
            case .failed: return .failure(.badRequest("Could not read the request body"))
            }
        default:
            return .success(nil)
        }
    }

    // MARK: calls

    private func run(_ calls: [TRPCInputDecoder.Call], inputs: [Int: TRPCInputDecoder.Outcome], caller: Caller,
                     address: String, userAgent: String?, requestID: String, logger: Logger) async -> [(Int, CallOutcome)] {
        @Sendable func outcome(_ call: TRPCInputDecoder.Call) async -> (Int, CallOutcome) {
            switch inputs[call.index] ?? .failure(.badRequest("input: required")) {
            case .failure(let error):
                return (call.index, .failure(error))
            case .success(let value):
                var logger = logger
                logger[metadataKey: "trpc.path"] = "\(call.procedure.name)"
                let context = TRPCCallContext(path: call.procedure.name, user: caller.user, clientAddress: address,
                                              userAgent: userAgent, requestID: requestID, logger: logger)
                return (call.index, await Self.invoke(call.procedure, input: value, context: context))
            }
        }
        // Most requests carry one call: run it in the request's own task, not a child task the
        // pool has to schedule (a thread hand-off per request otherwise).
        if calls.count == 1 { return [await outcome(calls[0])] }
        return await withTaskGroup(of: (Int, CallOutcome).self) { group in
            for call in calls {
                group.addTask { await outcome(call) }
            }
            var results: [(Int, CallOutcome)] = []
            for await result in group { results.append(result) }
            return results
        }
    }

    private static func invoke(_ procedure: TRPCProcedure, input: any Sendable, context: TRPCCallContext) async -> CallOutcome {
        do {
            return .success(try await procedure.run(input, context))
        } catch {
            let trpcError: TRPCError
            if let error = error as? TRPCError {
                trpcError = error
            } else if let error = error as? any TRPCErrorConvertible {
                trpcError = error.trpcError
            } else {
                context.logger.error("procedure failed", metadata: ["error": "\(String(reflecting: error))"])
                return .failure(.internalServerError)
            }
            guard trpcError.code != .internalServerError else {
                // Even a deliberate internal error keeps its details in the log.
                context.logger.error("procedure failed", metadata: ["error": "\(trpcError.message)"])
                return .failure(.internalServerError)
            }
            context.logger.debug("procedure refused", metadata: ["trpc.code": "\(trpcError.code.rawValue)"])
            return .failure(trpcError)
        }
    }

    // MARK: responses

    static let jsonHeaders: HTTPFields = [.contentType: "application/json"]

    /// One error object without a path (tRPC's answer when the request fails as a whole; its
    /// batch client hands the same error to every call).
    static func requestFailure(_ error: TRPCError) -> Response {
        var headers = jsonHeaders
        if let seconds = error.retryAfterSeconds { headers[.retryAfter] = String(seconds) }
        let body = TRPCEnvelope.error(error, path: nil, encoder: TRPCEnvelope.makeEncoder())
        return Response(status: httpStatus(error.code.httpStatus), headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// A batch answers with an array; its status is the calls' common status, or 207 when they
    /// differ (tRPC's `getHTTPStatusCode`).
    /// The response, and each call's answer code (`OK` or the tRPC error code) for the metrics.
    static func callsResponse(outcomes: [CallOutcome?], names: [String], isBatch: Bool, logger: Logger)
        -> (Response, [String])
    {
        let encoder = TRPCEnvelope.makeEncoder()
        var envelopes: [[UInt8]] = []
        var statuses = Set<Int>()
        var codes: [String] = []
        for (index, outcome) in outcomes.enumerated() {
            let name = names[index]
            var result = outcome ?? .failure(.internalServerError)
            var bytes: [UInt8] = []
            if case .success(let data) = result {
                do {
                    bytes = try TRPCEnvelope.success(data, encoder: encoder)
                } catch {
                    logger.error("output does not encode", metadata: ["trpc.path": "\(name)", "error": "\(error)"])
                    result = .failure(.internalServerError)
                }
            }
            switch result {
            case .success:
                statuses.insert(200)
                codes.append("OK")
            case .failure(let error):
                bytes = TRPCEnvelope.error(error, path: name, encoder: encoder)
                statuses.insert(error.code.httpStatus)
                codes.append(error.code.rawValue)
            }
            envelopes.append(bytes)
        }
        var body: [UInt8]
        if isBatch {
            body = [UInt8(ascii: "[")]
            for (index, envelope) in envelopes.enumerated() {
                if index > 0 { body.append(UInt8(ascii: ",")) }
                body += envelope
            }
            body.append(UInt8(ascii: "]"))
        } else {
            body = envelopes.first ?? []
        }
        let status = statuses.count == 1 ? (statuses.first ?? 200) : 207
        return (Response(status: httpStatus(status), headers: jsonHeaders, body: .init(byteBuffer: ByteBuffer(bytes: body))),
                codes)
    }

    /// The statuses this endpoint answers with, reason phrase included (`init(code:)` leaves it
    /// empty on the status line).
    static func httpStatus(_ code: Int) -> HTTPResponse.Status {
        switch code {
        case 200: .ok
        case 207: .init(code: 207, reasonPhrase: "Multi-Status")
        case 400: .badRequest
        case 401: .unauthorized
        case 403: .forbidden
        case 404: .notFound
        case 405: .methodNotAllowed
        case 409: .conflict
        case 412: .preconditionFailed
        case 413: .contentTooLarge
        case 429: .tooManyRequests
        default: .internalServerError
        }
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
