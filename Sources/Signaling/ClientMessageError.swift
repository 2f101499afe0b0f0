/// Why a client's WebSocket message was not understood. The connection stays open; the client
/// gets an `error` reply with `code` and, when it could be read, the request id.
public struct ClientMessageError: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case tooLarge(Int)
        /// Not JSON at all.
        case malformedJSON
        /// JSON, but not an object.
        case notAnObject
        case missingField(String)
        /// A field has the wrong JSON type or is out of bounds.
        case invalidField(String)
        case unknownType(String)
    }

    public var kind: Kind
    public var id: RequestID?

    public init(_ kind: Kind, id: RequestID? = nil) {
        self.kind = kind
        self.id = id
    }

    /// The `code` of the `error` message sent back.
    public var code: SignalingErrorCode {
        switch kind {
        case .unknownType: .unknownType
        case .tooLarge, .malformedJSON, .notAnObject, .missingField, .invalidField: .badRequest
        }
    }

    public var message: String {
        switch kind {
        case .tooLarge(let size): "message of \(size) bytes is too large"
        case .malformedJSON: "message is not valid JSON"
        case .notAnObject: "message is not a JSON object"
        case .missingField(let field): "missing field \(field)"
        case .invalidField(let field): "invalid field \(field)"
        case .unknownType(let type): "unknown message type \(type)"
        }
    }
}
