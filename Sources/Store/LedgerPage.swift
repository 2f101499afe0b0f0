/// A page of a user's ledger movements, newest first, and where the next (older) page starts.
public struct LedgerPage: Sendable, Equatable {
    public var movements: [LedgerMovement]
    /// Pass as `cursor` for the next page; nil on the last.
    public var nextCursor: Int64?

    public init(movements: [LedgerMovement], nextCursor: Int64?) {
        self.movements = movements
        self.nextCursor = nextCursor
    }
}
