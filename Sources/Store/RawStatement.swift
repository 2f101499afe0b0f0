import Foundation
import GRDB
import GRDBSQLite

/// A statement of the hot write path (a gift, a chat line) run through SQLite's C API: bind, step,
/// reset. GRDB's general path boxes every argument as a `DatabaseValue`, builds a dictionary for
/// named arguments, validates them on each call and looks columns up by name; on the writer,
/// which every gift waits for, that was as much time as SQLite's own work. The statement still
/// comes from (and is owned by) the connection's GRDB statement cache, and runs only on the
/// writer queue inside a GRDB transaction; failures are thrown as GRDB's `DatabaseError`.
///
/// Only for SQL that nothing else runs through GRDB's API: bindings are left in place, which
/// GRDB does not track. GRDB's check that the transaction was not rolled back under it (by a full
/// disk, say) is not on this path either: `GroupCommit` checks that before each job.
struct RawStatement {
    private let statement: Statement
    private let connection: OpaquePointer

    init(_ db: Database, _ sql: String) throws {
        guard let connection = db.sqliteConnection else { throw StoreError.database("the connection is closed") }
        statement = try db.cachedStatement(sql: sql)
        self.connection = connection
    }

    private var handle: OpaquePointer { statement.sqliteStatement }

    // MARK: binding (1-based indexes, as in SQL's ?NNN)

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }
    func bind(_ index: Int32, _ value: Int) { sqlite3_bind_int64(handle, index, Int64(value)) }

    func bind(_ index: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            _ = sqlite3_bind_text(handle, index, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                                  Int32(bytes.count), transient)
        }
    }

    func bind(_ index: Int32, _ text: String?) {
        if let text { bind(index, text) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ id: UUID) { bind(index, id.storeKey) }

    // MARK: running

    /// Steps to the end (a write), then resets.
    func execute() throws {
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            if code != SQLITE_ROW { throw failure(code) }
        }
    }

    /// The first row, read by `body` while it is current (nil when there is none), then resets.
    func first<T>(_ body: (Columns) throws -> T) throws -> T? {
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        if code == SQLITE_DONE { return nil }
        guard code == SQLITE_ROW else { throw failure(code) }
        return try body(Columns(handle: handle))
    }

    private func failure(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: sqlite3_extended_errcode(connection)),
                      message: String(cString: sqlite3_errmsg(connection)), sql: statement.sql)
    }

    /// The current row's values (0-based column indexes, in SELECT order).
    struct Columns {
        let handle: OpaquePointer

        func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
        func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
        func int64OrNil(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }
        func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }

        func text(_ column: Int32) -> String {
            guard let bytes = sqlite3_column_text(handle, column) else { return "" }
            let count = Int(sqlite3_column_bytes(handle, column))
            return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
        }

        func textOrNil(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }
    }
}

/// SQLite copies the bytes before the bind returns (SQLITE_TRANSIENT): Swift's buffer is only
/// valid inside `withUTF8`.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
