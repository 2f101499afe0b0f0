/// The answer to a request that carries an idempotency key (or a client message id): `value` is
/// the first answer given for that key, and `replayed` says whether this call only repeated it
/// (nothing was written) or did the work.
public struct IdempotentOutcome<Value: Sendable>: Sendable {
    public var value: Value
    public var replayed: Bool

    public init(value: Value, replayed: Bool) {
        self.value = value
        self.replayed = replayed
    }
}

extension IdempotentOutcome: Equatable where Value: Equatable {}
