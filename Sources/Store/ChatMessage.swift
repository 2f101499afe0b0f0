import Foundation
import GRDB

/// What a chat line is.
public enum ChatMessageKind: String, Sendable, Codable, Equatable, CaseIterable {
    /// Typed by a user.
    case text
    /// Written by `GiftRepository.sendGift` in the gift's transaction.
    case gift
    /// From the server (no author needed).
    case system
}

/// Who wrote a chat line, as the room shows them.
public struct ChatAuthor: Sendable, Codable, Equatable, Hashable {
    public var id: UUID
    public var username: String
    public var displayName: String
    /// Their role in the session when they wrote (host, or the role of their visit then; their
    /// nearest visit when they had none open); nil when they never joined.
    public var role: ParticipantRole?

    public init(id: UUID, username: String, displayName: String, role: ParticipantRole?) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.role = role
    }
}

/// One kept line of a session's chat. Ids grow with every post: they order the chat, and page it.
public struct ChatMessage: Sendable, Codable, Equatable, Hashable, Identifiable {
    public var id: Int64
    public var sessionId: UUID
    /// Nil for system lines without an author.
    public var author: ChatAuthor?
    public var text: String
    public var kind: ChatMessageKind
    /// The client's own id for the post, when it sent one (retries are matched by it).
    public var clientMessageId: String?
    public var createdAt: Date

    public init(id: Int64, sessionId: UUID, author: ChatAuthor?, text: String, kind: ChatMessageKind,
                clientMessageId: String?, createdAt: Date) {
        self.id = id
        self.sessionId = sessionId
        self.author = author
        self.text = text
        self.kind = kind
        self.clientMessageId = clientMessageId
        self.createdAt = createdAt
    }
}

extension ChatMessage: FetchableRecord {
    /// A row of `ChatRepository.messageSelect`.
    public init(row: Row) throws {
        let kind: String = try row.decode(forColumn: "kind")
        guard let parsedKind = ChatMessageKind(rawValue: kind) else { throw StoreError.corruptRow("chat_messages.kind") }
        var author: ChatAuthor?
        if let authorId: String = try row.decode(forColumn: "author_id") {
            let role: String? = try row.decode(forColumn: "author_role")
            var parsedRole: ParticipantRole?
            if let role {
                guard let value = ParticipantRole(rawValue: role) else {
                    throw StoreError.corruptRow("session_participants.role")
                }
                parsedRole = value
            }
            author = ChatAuthor(
                id: try UUID.stored(authorId, column: "chat_messages.author_id"),
                username: try row.decode(forColumn: "username"),
                displayName: try row.decode(forColumn: "display_name"),
                role: parsedRole)
        }
        self.init(
            id: try row.decode(forColumn: "id"),
            sessionId: try UUID.stored(try row.decode(forColumn: "session_id"), column: "chat_messages.session_id"),
            author: author,
            text: try row.decode(forColumn: "text"),
            kind: parsedKind,
            clientMessageId: try row.decode(forColumn: "client_message_id"),
            createdAt: Date(millisecondsSince1970: try row.decode(forColumn: "created_at")))
    }
}
