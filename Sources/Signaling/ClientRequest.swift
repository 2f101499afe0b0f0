#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A decoded client message with its request id.
public struct ClientRequest: Sendable, Equatable {
    public var id: RequestID?
    public var message: ClientMessage

    public init(id: RequestID?, message: ClientMessage) {
        self.id = id
        self.message = message
    }

    /// Bounds on string fields; the whole message is bounded by `maxBytes`.
    public enum Limits {
        public static let maxBytes = 64 * 1024
        public static let maxCandidateLength = 1024
        public static let maxMidLength = 64
        public static let maxTokenLength = RoomTokenVerifier.maxTokenLength
    }

    /// Decodes one text message. Unknown fields are ignored (newer clients may send more);
    /// everything else that is not the documented shape is a typed error that still carries the
    /// request id when one could be read.
    public init(decoding text: String, maxBytes: Int = Limits.maxBytes) throws(ClientMessageError) {
        let size = text.utf8.count
        guard size <= maxBytes else { throw ClientMessageError(.tooLarge(size)) }
        try self.init(decoding: Data(text.utf8), maxBytes: maxBytes)
    }

    /// Decodes one message from its bytes; bytes that are not UTF-8 are `malformedJSON`.
    public init(decoding data: Data, maxBytes: Int = Limits.maxBytes) throws(ClientMessageError) {
        guard data.count <= maxBytes else { throw ClientMessageError(.tooLarge(data.count)) }
        let wire: WireMessage
        do {
            wire = try JSONDecoder().decode(WireMessage.self, from: data)
        } catch let error as DecodingError {
            throw ClientMessageError(Self.kind(of: error), id: Self.peekID(data))
        } catch {
            throw ClientMessageError(.malformedJSON, id: nil)
        }
        let id = wire.id
        guard let type = wire.type else { throw ClientMessageError(.missingField("type"), id: id) }
        func required(_ value: String?, _ field: String) throws(ClientMessageError) -> String {
            guard let value else { throw ClientMessageError(.missingField(field), id: id) }
            return value
        }
        func bounded(_ value: String?, _ field: String, _ limit: Int) throws(ClientMessageError) -> String? {
            guard let value else { return nil }
            guard value.utf8.count <= limit else { throw ClientMessageError(.invalidField(field), id: id) }
            return value
        }
        let message: ClientMessage
        switch type {
        case "join":
            guard wire.room.map(RoomName.isValid) ?? true else { throw ClientMessageError(.invalidField("room"), id: id) }
            message = .join(room: wire.room, token: try bounded(wire.token, "token", Limits.maxTokenLength),
                            protocolVersion: wire.protocol)
        case "offer":
            message = .offer(sdp: try required(wire.sdp, "sdp"))
        case "answer":
            message = .answer(sdp: try required(wire.sdp, "sdp"))
        case "candidate":
            let candidate = try required(try bounded(wire.candidate, "candidate", Limits.maxCandidateLength), "candidate")
            message = .candidate(candidate: candidate, mid: try bounded(wire.mid, "mid", Limits.maxMidLength))
        case "set_video":
            let track = try required(try bounded(wire.trackId, "trackId", Limits.maxMidLength), "trackId")
            if let height = wire.maxHeight, !(1...8192).contains(height) { throw ClientMessageError(.invalidField("maxHeight"), id: id) }
            if let layer = wire.layer, !(0...2).contains(layer) { throw ClientMessageError(.invalidField("layer"), id: id) }
            message = .setVideo(trackID: track, maxHeight: wire.maxHeight, layer: wire.layer)
        case "leave":
            message = .leave
        case "ping":
            message = .ping
        default:
            throw ClientMessageError(.unknownType(String(type.prefix(64))), id: id)
        }
        self.init(id: id, message: message)
    }

    /// Every field any client message has; which are required depends on `type`.
    private struct WireMessage: Decodable {
        var type: String?
        var id: RequestID?
        var sdp: String?
        var candidate: String?
        var mid: String?
        var room: String?
        var token: String?
        var `protocol`: Int?
        var trackId: String?
        var maxHeight: Int?
        var layer: Int?
    }

    /// Just the id, for error replies to messages whose other fields did not decode.
    private struct IDOnly: Decodable {
        var id: RequestID?
    }

    private static func peekID(_ data: Data) -> RequestID? {
        (try? JSONDecoder().decode(IDOnly.self, from: data))?.id
    }

    private static func kind(of error: DecodingError) -> ClientMessageError.Kind {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return .malformedJSON
        case .typeMismatch(_, let context) where context.codingPath.isEmpty:
            return .notAnObject
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return .invalidField(context.codingPath.first?.stringValue ?? "?")
        case .keyNotFound(let key, _):
            return .missingField(key.stringValue)
        @unknown default:
            return .malformedJSON
        }
    }
}
