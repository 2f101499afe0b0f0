import Foundation
import GRDB

/// A session's kept chat (`chat.*`): posting, paging back through it, deleting lines. Moderation
/// (moderators, mutes, slow mode) is in the extension beside this file.
/// Who may do what is the API's to decide: it checks mutes and slow mode against what
/// `standing` answers, and that a deleter is the author, the host or a moderator.
public struct ChatRepository: Sendable {
    let pool: DatabasePool
    /// Posts, deletions and gifts: the writes that come in bursts, and whose order rooms see.
    let commits: GroupCommit

    /// Page size of `messages` when the caller gives none.
    public static let defaultPageSize = 50
    /// Largest page `messages` returns.
    public static let maxPageSize = 100

    /// Keeps a line of chat in a live session. A `clientMessageId` the same author already used in
    /// the session makes this a retry: the first stored message comes back, marked replayed, and
    /// nothing is written (even if the session has ended since).
    /// - Parameters:
    ///   - authorId: nil only for `.system` lines.
    ///   - onCommit: called with the outcome once it is committed, in commit order (the order of
    ///     the ids), before this returns: where a room's fan-out is queued.
    /// - Throws: `.invalidInput` (no author on a non-system line), `.sessionNotFound`,
    ///   `.sessionEnded`, `.userNotFound`.
    public func post(sessionId: UUID, authorId: UUID?, text: String, kind: ChatMessageKind = .text,
                     clientMessageId: String? = nil, now: Date,
                     onCommit: (@Sendable (IdempotentOutcome<ChatMessage>) -> Void)? = nil) async throws(StoreError)
        -> IdempotentOutcome<ChatMessage>
    {
        guard authorId != nil || kind == .system else {
            throw .invalidInput("authorId: only system lines may have no author")
        }
        return try await commits.write(onCommit: onCommit) { db in
            if let authorId, let clientMessageId,
               let first = try Self.message(db, sessionId: sessionId, authorId: authorId,
                                            clientMessageId: clientMessageId) {
                return IdempotentOutcome(value: first, replayed: true)
            }
            let session = try SessionRepository.liveSession(db, id: sessionId)
            var author: UserRepository.Names?
            if let authorId {
                guard let names = try UserRepository.names(db, id: authorId) else { throw StoreError.userNotFound(authorId) }
                author = names
            }
            let message = try Self.insert(db, sessionId: sessionId, hostId: session.hostId, author: author, text: text,
                                          kind: kind, clientMessageId: clientMessageId,
                                          nowMs: now.millisecondsSince1970)
            return IdempotentOutcome(value: message, replayed: false)
        }
    }

    /// A page of the session's visible (not deleted) chat: the `limit` newest messages older than
    /// `before` (the newest of all without it), oldest first.
    /// - Parameter limit: clamped to 1...`maxPageSize`.
    public func messages(sessionId: UUID, before: Int64? = nil, limit: Int = ChatRepository.defaultPageSize)
        async throws(StoreError) -> ChatPage
    {
        let limit = min(max(limit, 1), Self.maxPageSize)
        return try await pool.readValue { db in
            var newestFirst = try ChatMessage.fetchAll(
                db.cachedStatement(sql: Self.pageSQL),
                arguments: ["session": sessionId.storeKey, "before": before ?? Int64.max, "limit": limit + 1])
            var next: Int64?
            if newestFirst.count > limit {
                newestFirst.removeLast(newestFirst.count - limit)
                next = newestFirst.last?.id
            }
            return ChatPage(messages: newestFirst.reversed(), nextBefore: next)
        }
    }

    /// One message, deleted or not.
    public func message(id: Int64) async throws(StoreError) -> ChatMessage? {
        try await pool.readValue { db in try Self.message(db, id: id) }
    }

    /// Hides a message from `messages` (it stays stored, with who deleted it and when). Deleting a
    /// deleted message changes nothing and is not an error.
    /// - Parameter onCommit: as in `post`.
    /// - Returns: the message's session, for the room event that removes it from screens.
    /// - Throws: `.messageNotFound`, `.userNotFound` (`by`).
    @discardableResult
    public func delete(messageId: Int64, by: UUID, now: Date,
                       onCommit: (@Sendable (UUID) -> Void)? = nil) async throws(StoreError) -> UUID {
        try await commits.write(onCommit: onCommit) { db in
            guard let session = try String.fetchOne(
                db, sql: "SELECT session_id FROM chat_messages WHERE id = ?", arguments: [messageId])
            else { throw StoreError.messageNotFound(messageId) }
            guard try UserRepository.user(db, id: by) != nil else { throw StoreError.userNotFound(by) }
            try db.execute(
                sql: "UPDATE chat_messages SET deleted_by = ?, deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                arguments: [by.storeKey, now.millisecondsSince1970, messageId])
            return try UUID.stored(session, column: "chat_messages.session_id")
        }
    }

    // MARK: - Statements shared with other repositories

    /// Writes a line and returns it as `messages` shows it. The caller has checked the session.
    static func insert(_ db: Database, sessionId: UUID, hostId: UUID, author: UserRepository.Names?, text: String,
                       kind: ChatMessageKind, clientMessageId: String?, nowMs: Int64) throws -> ChatMessage {
        let insert = try RawStatement(db, """
            INSERT INTO chat_messages (session_id, author_id, text, kind, client_message_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """)
        insert.bind(1, sessionId)
        insert.bind(2, author?.id.storeKey)
        insert.bind(3, text)
        insert.bind(4, kind.rawValue)
        insert.bind(5, clientMessageId)
        insert.bind(6, nowMs)
        try insert.execute()
        // Built from what was just written rather than read back through `messageSelect` (a join
        // of four tables): gifts write a line each, and the read-back was a tenth of their cost.
        var chatAuthor: ChatAuthor?
        if let author {
            chatAuthor = ChatAuthor(
                id: author.id, username: author.username, displayName: author.displayName,
                role: try authorRole(db, sessionId: sessionId, hostId: hostId, authorId: author.id, atMs: nowMs))
        }
        return ChatMessage(id: db.lastInsertedRowID, sessionId: sessionId, author: chatAuthor, text: text, kind: kind,
                           clientMessageId: clientMessageId, createdAt: Date(millisecondsSince1970: nowMs))
    }

    /// An author's role for a line written at `atMs`, by the rule `messageSelect` applies.
    private static func authorRole(_ db: Database, sessionId: UUID, hostId: UUID, authorId: UUID, atMs: Int64) throws
        -> ParticipantRole?
    {
        if authorId == hostId { return .host }
        let read = try RawStatement(db, """
            SELECT COALESCE(
                (SELECT p.role FROM session_participants p
                 WHERE p.user_id = ?1 AND p.session_id = ?2 AND p.joined_at <= ?3
                 ORDER BY p.joined_at DESC, p.id DESC LIMIT 1),
                (SELECT p.role FROM session_participants p
                 WHERE p.user_id = ?1 AND p.session_id = ?2
                 ORDER BY p.joined_at, p.id LIMIT 1))
            """)
        read.bind(1, authorId)
        read.bind(2, sessionId)
        read.bind(3, atMs)
        guard let role = try read.first({ $0.textOrNil(0) }) ?? nil else { return nil }
        guard let parsed = ParticipantRole(rawValue: role) else { throw StoreError.corruptRow("session_participants.role") }
        return parsed
    }

    /// The line an author already posted with `clientMessageId` (a retry finds its first post).
    public func message(sessionId: UUID, authorId: UUID, clientMessageId: String) async throws(StoreError) -> ChatMessage? {
        try await pool.readValue { db in
            try Self.message(db, sessionId: sessionId, authorId: authorId, clientMessageId: clientMessageId)
        }
    }

    static func message(_ db: Database, id: Int64) throws -> ChatMessage? {
        try ChatMessage.fetchOne(db.cachedStatement(sql: messageSelect + "WHERE m.id = ?"), arguments: [id])
    }

    private static func message(_ db: Database, sessionId: UUID, authorId: UUID, clientMessageId: String) throws
        -> ChatMessage?
    {
        // chat_messages_one_per_client_id
        try ChatMessage.fetchOne(
            db.cachedStatement(sql: messageSelect + """
                WHERE m.session_id = ? AND m.author_id = ? AND m.client_message_id = ?
                """),
            arguments: [sessionId.storeKey, authorId.storeKey, clientMessageId])
    }

    // The author's role: host by the session row; otherwise the role of their visit that began
    // last at or before the line, or failing that (a post that raced the join), the first after.
    static let messageSelect = """
        SELECT m.id, m.session_id, m.author_id, m.text, m.kind, m.client_message_id, m.created_at,
               u.username, u.display_name,
               CASE WHEN m.author_id IS NULL THEN NULL
                    WHEN m.author_id = s.host_id THEN 'host'
                    ELSE COALESCE(
                        (SELECT p.role FROM session_participants p
                         WHERE p.user_id = m.author_id AND p.session_id = m.session_id AND p.joined_at <= m.created_at
                         ORDER BY p.joined_at DESC, p.id DESC LIMIT 1),
                        (SELECT p.role FROM session_participants p
                         WHERE p.user_id = m.author_id AND p.session_id = m.session_id
                         ORDER BY p.joined_at, p.id LIMIT 1))
               END AS author_role
        FROM chat_messages m
        JOIN streaming_sessions s ON s.id = m.session_id
        LEFT JOIN users u ON u.id = m.author_id

        """

    // A plain range on chat_messages_visible_by_session; `deleted_at IS NULL` is a literal so that
    // SQLite may use the partial index.
    static let pageSQL = messageSelect + """
        WHERE m.session_id = :session AND m.deleted_at IS NULL AND m.id < :before
        ORDER BY m.id DESC
        LIMIT :limit
        """
}
