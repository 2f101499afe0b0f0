import GRDB

// The repositories' only way into the pool: every GRDB error comes out as a `StoreError`.
extension DatabasePool {
    /// A read-only snapshot access.
    func readValue<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await read(body)
        } catch {
            throw StoreError(error)
        }
    }

    /// One IMMEDIATE write transaction: all of `body` commits, or (when it throws) none of it.
    func writeValue<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await write(body)
        } catch {
            throw StoreError(error)
        }
    }
}
