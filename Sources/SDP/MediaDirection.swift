/// a=sendrecv / sendonly / recvonly / inactive (RFC 8866 6.7), seen from the side that wrote it.
public enum MediaDirection: String, Hashable, Sendable, CaseIterable {
    case sendrecv, sendonly, recvonly, inactive

    public init(sends: Bool, receives: Bool) {
        switch (sends, receives) {
        case (true, true): self = .sendrecv
        case (true, false): self = .sendonly
        case (false, true): self = .recvonly
        case (false, false): self = .inactive
        }
    }

    public var sends: Bool { self == .sendrecv || self == .sendonly }
    public var receives: Bool { self == .sendrecv || self == .recvonly }

    /// The same flow seen from the other side: sendonly ↔ recvonly.
    public var reversed: MediaDirection { MediaDirection(sends: receives, receives: sends) }
}
