import GRDB

// v9: levels without rescanning a user's gift history, and two fewer index writes per gift.
// - progress_gift_totals: a user's gift sums (units and coins sent, units and diamonds received)
//   as of a ledger entry id. Ledger entries are never updated or deleted and their ids grow in
//   commit order (one writer; the largest id is never deleted), so the sums up to an id never
//   change, and what is new since is a range of ledger_entries_by_account. Levels were summing
//   every gift a user ever sent or received at each evaluation: a host with a million gifts read
//   a million rows every few seconds while live. It is a cache of what the ledger says, written by
//   the evaluation that computed it, never a total that events add to: dropping a row only makes
//   the next evaluation read the whole history once.
// - gift_transactions_by_recipient served those sums and a users foreign-key check on delete
//   (users are never deleted: accounts forbid it); the sums now come from the ledger.
// - chat_messages_by_author is read only for text lines (slow mode, chat counts, reports): gift
//   lines, the hot insert, no longer enter it.
extension StoreSchema {
    static func createV9GiftTotals(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE progress_gift_totals (
                user_id         TEXT PRIMARY KEY NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                through_entry   INTEGER NOT NULL CHECK (through_entry >= 0),
                gifts_sent      INTEGER NOT NULL CHECK (gifts_sent >= 0),
                coins_spent     INTEGER NOT NULL CHECK (coins_spent >= 0),
                gifts_received  INTEGER NOT NULL CHECK (gifts_received >= 0),
                diamonds_earned INTEGER NOT NULL CHECK (diamonds_earned >= 0)
            ) WITHOUT ROWID;
            DROP INDEX gift_transactions_by_recipient;
            DROP INDEX chat_messages_by_author;
            CREATE INDEX chat_messages_text_by_author ON chat_messages(author_id, session_id, created_at)
                WHERE kind = 'text';
            """)
    }
}

// v10: the same money rules with fewer lookups per ledger entry (a gift writes three).
// - ledger_entries_continue_balance checked, before each entry, that balance_after is the account's
//   balance plus the amount. accounts_balance_from_entries already refuses any balance that is not
//   the balance_after of the account's latest entry, and ledger_entries_apply moves the balance by
//   the amount right after the insert: an entry that lies about balance_after is its account's
//   latest entry and fails that check; one given an id below the latest is not, and then the
//   balance moved by a non-zero amount no longer equals the latest entry's, which fails it too.
// - ledger_transactions_balanced counted and summed the transaction's entries in two scans of
//   ledger_entries_by_transaction; one scan gives both.
extension StoreSchema {
    static func slimLedgerChecksV10(_ db: Database) throws {
        try db.execute(sql: """
            DROP TRIGGER ledger_entries_continue_balance;
            DROP TRIGGER ledger_transactions_balanced;
            CREATE TRIGGER ledger_transactions_balanced BEFORE INSERT ON ledger_transactions
            WHEN (SELECT COUNT(*) < 2 OR SUM(amount) <> 0 FROM ledger_entries WHERE transaction_id = NEW.id)
            BEGIN SELECT RAISE(ABORT, 'a ledger transaction needs two or more entries summing to zero'); END;
            """)
    }
}

// v11: the top-gifter badge without reading the user's gift history.
// - session_stats.top_gifter_id: who spent the most coins in an ended session (ties to the smaller
//   user id, as on leaderboards), set when the session ends. Gifts to an ended session are refused,
//   so it never changes after. Each level evaluation counted it by grouping every gift the user
//   ever sent and ranking each of those sessions' gifters: thousands of rows for a heavy gifter,
//   every few seconds while they gift.
extension StoreSchema {
    static func storeTopGiftersV11(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE session_stats ADD COLUMN top_gifter_id TEXT REFERENCES users(id);
            UPDATE session_stats SET top_gifter_id = (
                SELECT t.sender_id FROM gift_transactions t WHERE t.session_id = session_stats.session_id
                GROUP BY t.sender_id ORDER BY SUM(t.total_coins) DESC, t.sender_id LIMIT 1)
            WHERE session_id IN (SELECT id FROM streaming_sessions WHERE status = 'ended');
            CREATE INDEX session_stats_by_top_gifter ON session_stats(top_gifter_id) WHERE top_gifter_id IS NOT NULL;
            """)
    }
}

// v12: chat_messages rebuilt for the hot insert (every gift writes a line), same columns and rows.
// - The kind CHECK said `kind IN ('text', 'gift', 'system')`: for an IN list of three or more,
//   SQLite builds a temporary b-tree on every insert to test one value. ORs of equalities do not.
// - No AUTOINCREMENT: it read and rewrote sqlite_sequence on every insert, one more page in every
//   commit. What it guaranteed (an id is never handed out twice) holds by the new trigger: lines are
//   never deleted (moderation sets deleted_at), so the largest id stays and the next is above it.
//   A session or user with chat lines can no longer be deleted; the server never deletes either.
extension StoreSchema {
    static func rebuildChatV12(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE new_chat_messages (
                id                INTEGER PRIMARY KEY,
                session_id        TEXT NOT NULL REFERENCES streaming_sessions(id) ON DELETE CASCADE,
                author_id         TEXT REFERENCES users(id) ON DELETE CASCADE,
                text              TEXT NOT NULL,
                kind              TEXT NOT NULL CHECK (kind = 'text' OR kind = 'gift' OR kind = 'system'),
                client_message_id TEXT,
                created_at        INTEGER NOT NULL,
                deleted_by        TEXT REFERENCES users(id) ON DELETE SET NULL,
                deleted_at        INTEGER,
                CHECK (author_id IS NOT NULL OR kind = 'system'),
                CHECK (deleted_by IS NULL OR deleted_at IS NOT NULL)
            );
            INSERT INTO new_chat_messages
                (id, session_id, author_id, text, kind, client_message_id, created_at, deleted_by, deleted_at)
                SELECT id, session_id, author_id, text, kind, client_message_id, created_at, deleted_by, deleted_at
                FROM chat_messages;
            DROP TABLE chat_messages;
            ALTER TABLE new_chat_messages RENAME TO chat_messages;
            CREATE UNIQUE INDEX chat_messages_one_per_client_id
                ON chat_messages(session_id, author_id, client_message_id) WHERE client_message_id IS NOT NULL;
            CREATE INDEX chat_messages_visible_by_session
                ON chat_messages(session_id, id) WHERE deleted_at IS NULL;
            CREATE INDEX chat_messages_text_by_author ON chat_messages(author_id, session_id, created_at)
                WHERE kind = 'text';
            CREATE TRIGGER chat_messages_never_deleted BEFORE DELETE ON chat_messages
            BEGIN SELECT RAISE(ABORT, 'chat lines are never deleted (deleted_at hides one)'); END;
            """)
    }
}
