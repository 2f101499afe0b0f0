/// Query or mutation: decides the HTTP method a procedure answers to.
public enum TRPCProcedureKind: String, Sendable {
    /// Read-only, `GET` with `?input=`.
    case query
    /// Changes state, `POST` with the input as the JSON body.
    case mutation

    var method: String { self == .query ? "GET" : "POST" }
}

/// Who may call a procedure.
public enum TRPCAccess: Sendable {
    /// Anyone. A valid user token still fills `TRPCCallContext.user`; an invalid or expired one
    /// is ignored (so `users.login` works with a stale token still in the client).
    case anyone
    /// Only with a valid user token (UNAUTHORIZED otherwise).
    case user
}

/// One registered procedure with its input and output types erased, so a batch of different
/// procedures can be decoded and run together.
struct TRPCProcedure: Sendable {
    let name: String
    let kind: TRPCProcedureKind
    let access: TRPCAccess
    /// Seconds a successful answer may be cached by anyone (`Cache-Control: public`); nil: not
    /// cacheable. Only for answers that are the same for every caller.
    let cacheSeconds: Int?
    /// Decodes the input from the decoder positioned on this call's JSON value.
    let decodeInput: @Sendable (any Decoder) throws -> any Sendable
    /// Runs the handler on a value `decodeInput` made.
    let run: @Sendable (any Sendable, TRPCCallContext) async throws -> any Encodable & Sendable

    init<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        name: String, kind: TRPCProcedureKind, access: TRPCAccess, input: Input.Type, cacheSeconds: Int? = nil,
        handler: @escaping @Sendable (Input, TRPCCallContext) async throws -> Output
    ) {
        self.name = name
        self.kind = kind
        self.access = access
        self.cacheSeconds = cacheSeconds
        self.decodeInput = { decoder in try Input(from: decoder) }
        self.run = { value, context in
            // Only `decodeInput` of this same procedure makes the value, so the cast holds.
            guard let input = value as? Input else { throw TRPCError.internalServerError }
            return try await handler(input, context)
        }
    }
}
