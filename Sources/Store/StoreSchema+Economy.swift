import GRDB

// v4: the room economy. User roles, kept chat and its moderation, the gift catalog, and the coin
// ledger. Money rules live in the schema, not only in the repositories, so that a raw statement
// in the sqlite3 shell, a future PostgreSQL port or a bug in Swift cannot break them:
// - a balance changes only through a ledger entry (triggers), and never goes below zero except
//   the `purchases` account, the one counterparty of minted coins (CHECK);
// - an entry joins an open transaction, and a transaction is sealed (its row inserted, last) only
//   when its entries number two or more and sum to zero; entries whose transaction is never sealed
//   fail the deferred foreign key at COMMIT;
// - entries, transactions, purchases and gifts are never updated or deleted.
extension StoreSchema {
    static func createV4Economy(_ db: Database) throws {
        try addUserRoles(db)
        try createChat(db)
        try createGiftCatalog(db)
        try createLedger(db)
        try createEconomyRecords(db)
    }

    // `chobi-server admin grant <username>` sets it; the API reads it from `User`.
    private static func addUserRoles(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin'));
            """)
    }

    private static func createChat(_ db: Database) throws {
        try db.execute(sql: """
            -- AUTOINCREMENT: ids are the one total order of a room's chat and clients page by them,
            -- so an id is never handed out twice, even after a session's lines are deleted.
            CREATE TABLE chat_messages (
                id                INTEGER PRIMARY KEY AUTOINCREMENT,
                session_id        TEXT NOT NULL REFERENCES streaming_sessions(id) ON DELETE CASCADE,
                author_id         TEXT REFERENCES users(id) ON DELETE CASCADE,
                text              TEXT NOT NULL,
                kind              TEXT NOT NULL CHECK (kind IN ('text', 'gift', 'system')),
                client_message_id TEXT,
                created_at        INTEGER NOT NULL,
                deleted_by        TEXT REFERENCES users(id) ON DELETE SET NULL,
                deleted_at        INTEGER,
                CHECK (author_id IS NOT NULL OR kind = 'system'),
                CHECK (deleted_by IS NULL OR deleted_at IS NOT NULL)
            );
            -- A retried post (same author, session and client id) finds the first one.
            CREATE UNIQUE INDEX chat_messages_one_per_client_id
                ON chat_messages(session_id, author_id, client_message_id) WHERE client_message_id IS NOT NULL;
            -- Pages of a room's visible chat, newest first by id.
            CREATE INDEX chat_messages_visible_by_session
                ON chat_messages(session_id, id) WHERE deleted_at IS NULL;
            -- An author's last line (slow mode), and the foreign key's cascade from users.
            CREATE INDEX chat_messages_by_author ON chat_messages(author_id, session_id, kind, created_at);
            -- Each line's author role: that user's visits of that session by start, without a sort.
            -- It also serves what session_participants_by_user (its prefix) did.
            CREATE INDEX session_participants_by_user_session ON session_participants(user_id, session_id, joined_at);
            DROP INDEX session_participants_by_user;

            -- appointed_by, muted_by and deleted_by are for the record only and have no index:
            -- nothing queries by them, and users are not deleted.
            CREATE TABLE chat_moderators (
                session_id   TEXT NOT NULL REFERENCES streaming_sessions(id) ON DELETE CASCADE,
                user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                appointed_by TEXT REFERENCES users(id) ON DELETE SET NULL,
                created_at   INTEGER NOT NULL,
                PRIMARY KEY (session_id, user_id)
            ) WITHOUT ROWID;
            CREATE INDEX chat_moderators_by_user ON chat_moderators(user_id);

            -- One row per muted user and session: muting again replaces the end time.
            CREATE TABLE chat_mutes (
                session_id TEXT NOT NULL REFERENCES streaming_sessions(id) ON DELETE CASCADE,
                user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                until      INTEGER NOT NULL,
                muted_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
                created_at INTEGER NOT NULL,
                PRIMARY KEY (session_id, user_id)
            ) WITHOUT ROWID;
            CREATE INDEX chat_mutes_by_user ON chat_mutes(user_id);

            -- A row only for sessions whose host changed a setting; no row means the defaults.
            CREATE TABLE chat_settings (
                session_id        TEXT PRIMARY KEY NOT NULL REFERENCES streaming_sessions(id) ON DELETE CASCADE,
                slow_mode_seconds INTEGER NOT NULL DEFAULT 0 CHECK (slow_mode_seconds >= 0),
                updated_at        INTEGER NOT NULL
            ) WITHOUT ROWID;
            """)
    }

    private static func createGiftCatalog(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE gifts (
                id          TEXT PRIMARY KEY NOT NULL,
                name        TEXT NOT NULL,
                tier        TEXT NOT NULL CHECK (tier IN ('common', 'rare', 'legendary')),
                price_coins INTEGER NOT NULL CHECK (price_coins > 0),
                animation   TEXT NOT NULL,
                can_combo   INTEGER NOT NULL CHECK (can_combo IN (0, 1)),
                sort_order  INTEGER NOT NULL
            ) WITHOUT ROWID;
            """)
        // Legendary gifts play a full-screen animation each: one at a time, never a combo.
        let seed: [(String, String, String, Int, String, Bool)] = [
            ("rose", "Rose", "common", 1, "rose-float", true),
            ("heart", "Heart", "common", 5, "heart-pulse", true),
            ("cake", "Cake", "common", 10, "cake-candles", true),
            ("star", "Star", "rare", 50, "star-burst", true),
            ("diamond", "Diamond", "rare", 100, "diamond-sparkle", true),
            ("sports_car", "Sports Car", "rare", 500, "sports-car-drift", true),
            ("crown", "Crown", "legendary", 1000, "crown-descend", false),
            ("rocket", "Rocket", "legendary", 5000, "rocket-launch", false),
            ("castle", "Castle", "legendary", 10000, "castle-rise", false),
        ]
        for (order, gift) in seed.enumerated() {
            try db.execute(
                sql: """
                    INSERT INTO gifts (id, name, tier, price_coins, animation, can_combo, sort_order)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [gift.0, gift.1, gift.2, gift.3, gift.4, gift.5, (order + 1) * 10])
        }
    }

    private static func createLedger(_ db: Database) throws {
        try db.execute(sql: """
            -- A user has at most one account of each kind, opened on first use; `platform` and
            -- `purchases` are the two accounts without a user. Accounts outlive nothing: a user
            -- with an account cannot be deleted (the foreign key has no cascade on purpose).
            CREATE TABLE accounts (
                id      INTEGER PRIMARY KEY,
                user_id TEXT REFERENCES users(id),
                kind    TEXT NOT NULL CHECK (kind IN ('coins', 'diamonds', 'platform', 'purchases')),
                balance INTEGER NOT NULL DEFAULT 0,
                UNIQUE (user_id, kind),
                CHECK ((user_id IS NULL) = (kind IN ('platform', 'purchases'))),
                -- purchases holds minus every coin ever minted; everything else is owned value.
                CHECK (balance >= 0 OR kind = 'purchases'),
                CHECK (balance <= 0 OR kind <> 'purchases')
            );
            -- UNIQUE (user_id, kind) treats NULL users as distinct: one system account per kind.
            CREATE UNIQUE INDEX accounts_one_system_account_per_kind ON accounts(kind) WHERE user_id IS NULL;
            INSERT INTO accounts (user_id, kind) VALUES (NULL, 'platform'), (NULL, 'purchases');

            -- The seal of a balanced set of entries; inserted after them (see the triggers).
            CREATE TABLE ledger_transactions (
                id         TEXT PRIMARY KEY NOT NULL,
                kind       TEXT NOT NULL CHECK (kind IN ('purchase', 'gift')),
                created_at INTEGER NOT NULL
            ) WITHOUT ROWID;

            -- balance_after is the account's balance once this entry applied: it lets a trigger
            -- check any change of accounts.balance against one indexed row instead of a SUM over
            -- the account's history, and gives old answers their balances back (idempotent replays).
            -- The transaction foreign key is deferred: entries come before their seal.
            CREATE TABLE ledger_entries (
                id             INTEGER PRIMARY KEY,
                transaction_id TEXT NOT NULL REFERENCES ledger_transactions(id) DEFERRABLE INITIALLY DEFERRED,
                account_id     INTEGER NOT NULL REFERENCES accounts(id),
                amount         INTEGER NOT NULL CHECK (amount <> 0),
                balance_after  INTEGER NOT NULL,
                created_at     INTEGER NOT NULL
            );
            -- The seal's sum, verifyLedger, and the foreign key from ledger_transactions.
            CREATE INDEX ledger_entries_by_transaction ON ledger_entries(transaction_id, amount);
            -- An account's latest entry (balance checks), its history newest first (transactions).
            CREATE INDEX ledger_entries_by_account ON ledger_entries(account_id, id);

            CREATE TRIGGER accounts_open_empty BEFORE INSERT ON accounts WHEN NEW.balance <> 0
            BEGIN SELECT RAISE(ABORT, 'an account opens with balance 0'); END;
            CREATE TRIGGER accounts_never_deleted BEFORE DELETE ON accounts
            BEGIN SELECT RAISE(ABORT, 'accounts are never deleted'); END;
            CREATE TRIGGER accounts_keep_owner BEFORE UPDATE OF id, user_id, kind ON accounts
            BEGIN SELECT RAISE(ABORT, 'an account keeps its owner and kind'); END;
            -- The only balance a row may take is the one its latest entry left: a raw UPDATE cannot
            -- move money, and ledger_entries_apply (below) can.
            CREATE TRIGGER accounts_balance_from_entries BEFORE UPDATE OF balance ON accounts
            WHEN NEW.balance IS NOT COALESCE(
                (SELECT balance_after FROM ledger_entries WHERE account_id = NEW.id ORDER BY id DESC LIMIT 1), 0)
            BEGIN SELECT RAISE(ABORT, 'a balance changes only by a ledger entry'); END;

            CREATE TRIGGER ledger_entries_open_transaction BEFORE INSERT ON ledger_entries
            WHEN EXISTS (SELECT 1 FROM ledger_transactions WHERE id = NEW.transaction_id)
            BEGIN SELECT RAISE(ABORT, 'the ledger transaction is already sealed'); END;
            CREATE TRIGGER ledger_entries_continue_balance BEFORE INSERT ON ledger_entries
            WHEN NEW.balance_after IS NOT (SELECT balance + NEW.amount FROM accounts WHERE id = NEW.account_id)
            BEGIN SELECT RAISE(ABORT, 'balance_after must be the account balance plus the amount'); END;
            -- A debit below zero fails the accounts CHECK here, which aborts the INSERT.
            CREATE TRIGGER ledger_entries_apply AFTER INSERT ON ledger_entries
            BEGIN UPDATE accounts SET balance = balance + NEW.amount WHERE id = NEW.account_id; END;
            CREATE TRIGGER ledger_entries_never_updated BEFORE UPDATE ON ledger_entries
            BEGIN SELECT RAISE(ABORT, 'ledger entries are never updated'); END;
            CREATE TRIGGER ledger_entries_never_deleted BEFORE DELETE ON ledger_entries
            BEGIN SELECT RAISE(ABORT, 'ledger entries are never deleted'); END;

            CREATE TRIGGER ledger_transactions_balanced BEFORE INSERT ON ledger_transactions
            WHEN (SELECT COUNT(*) FROM ledger_entries WHERE transaction_id = NEW.id) < 2
              OR (SELECT SUM(amount) FROM ledger_entries WHERE transaction_id = NEW.id) <> 0
            BEGIN SELECT RAISE(ABORT, 'a ledger transaction needs two or more entries summing to zero'); END;
            CREATE TRIGGER ledger_transactions_never_updated BEFORE UPDATE ON ledger_transactions
            BEGIN SELECT RAISE(ABORT, 'ledger transactions are never updated'); END;
            CREATE TRIGGER ledger_transactions_never_deleted BEFORE DELETE ON ledger_transactions
            BEGIN SELECT RAISE(ABORT, 'ledger transactions are never deleted'); END;
            """)
    }

    // What each ledger transaction was, with the idempotency key that made it. fingerprint is the
    // canonical text of the request's input: a retry with the same key must carry the same one.
    private static func createEconomyRecords(_ db: Database) throws {
        try db.execute(sql: """
            -- Keys are global (an admin grant or a payment provider's event id), not per user.
            CREATE TABLE coin_purchases (
                id                    TEXT PRIMARY KEY NOT NULL,
                ledger_transaction_id TEXT NOT NULL UNIQUE REFERENCES ledger_transactions(id),
                user_id               TEXT NOT NULL REFERENCES users(id),
                amount                INTEGER NOT NULL CHECK (amount > 0),
                granted_by            TEXT REFERENCES users(id),
                idempotency_key       TEXT NOT NULL UNIQUE,
                fingerprint           TEXT NOT NULL,
                created_at            INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX coin_purchases_by_user ON coin_purchases(user_id, created_at);

            -- Session, users and gift have no cascade: money records outlive nothing they name.
            CREATE TABLE gift_transactions (
                id                    TEXT PRIMARY KEY NOT NULL,
                ledger_transaction_id TEXT NOT NULL UNIQUE REFERENCES ledger_transactions(id),
                session_id            TEXT NOT NULL REFERENCES streaming_sessions(id),
                gift_id               TEXT NOT NULL REFERENCES gifts(id),
                sender_id             TEXT NOT NULL REFERENCES users(id),
                recipient_id          TEXT NOT NULL REFERENCES users(id),
                count                 INTEGER NOT NULL CHECK (count BETWEEN 1 AND 99),
                unit_price_coins      INTEGER NOT NULL CHECK (unit_price_coins > 0),
                total_coins           INTEGER NOT NULL,
                recipient_diamonds    INTEGER NOT NULL CHECK (recipient_diamonds >= 0),
                platform_coins        INTEGER NOT NULL CHECK (platform_coins >= 0),
                idempotency_key       TEXT NOT NULL,
                fingerprint           TEXT NOT NULL,
                chat_message_id       INTEGER REFERENCES chat_messages(id),
                created_at            INTEGER NOT NULL,
                CHECK (sender_id <> recipient_id),
                CHECK (total_coins = unit_price_coins * count),
                CHECK (recipient_diamonds + platform_coins = total_coins),
                UNIQUE (sender_id, idempotency_key)
            ) WITHOUT ROWID;
            -- Session reports and session leaderboards.
            CREATE INDEX gift_transactions_by_session ON gift_transactions(session_id, created_at);
            -- Leaderboards over a time window.
            CREATE INDEX gift_transactions_by_time ON gift_transactions(created_at);
            -- The foreign keys' checks from users, gifts and chat_messages.
            CREATE INDEX gift_transactions_by_recipient ON gift_transactions(recipient_id, created_at);
            CREATE INDEX gift_transactions_by_gift ON gift_transactions(gift_id);
            CREATE INDEX gift_transactions_by_chat_message ON gift_transactions(chat_message_id);

            CREATE TRIGGER coin_purchases_never_updated BEFORE UPDATE ON coin_purchases
            BEGIN SELECT RAISE(ABORT, 'purchases are never updated'); END;
            CREATE TRIGGER coin_purchases_never_deleted BEFORE DELETE ON coin_purchases
            BEGIN SELECT RAISE(ABORT, 'purchases are never deleted'); END;
            CREATE TRIGGER gift_transactions_never_updated BEFORE UPDATE ON gift_transactions
            BEGIN SELECT RAISE(ABORT, 'gift transactions are never updated'); END;
            CREATE TRIGGER gift_transactions_never_deleted BEFORE DELETE ON gift_transactions
            BEGIN SELECT RAISE(ABORT, 'gift transactions are never deleted'); END;
            """)
    }
}
