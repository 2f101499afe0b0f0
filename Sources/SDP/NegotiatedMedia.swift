/// What was agreed for one offered section.
public struct NegotiatedMedia: Hashable, Sendable {
    public enum Outcome: Hashable, Sendable {
        case accepted
        case rejected(String)
    }

    /// Position in the offer (and in the answer).
    public var index: Int
    public var mid: String?
    public var kind: MediaKind
    public var outcome: Outcome
    /// The answer's direction, seen from us.
    public var direction: MediaDirection
    /// Agreed codecs in offer order, RTX included.
    public var codecs: [Codec]
    /// Agreed header extensions with the offer's ids.
    public var headerExtensions: [ExtensionMap]
    /// Simulcast rids we will receive, in the offer's order.
    public var receiveRIDs: [String]

    public init(index: Int, mid: String?, kind: MediaKind, outcome: Outcome, direction: MediaDirection = .inactive,
                codecs: [Codec] = [], headerExtensions: [ExtensionMap] = [], receiveRIDs: [String] = []) {
        self.index = index
        self.mid = mid
        self.kind = kind
        self.outcome = outcome
        self.direction = direction
        self.codecs = codecs
        self.headerExtensions = headerExtensions
        self.receiveRIDs = receiveRIDs
    }

    public var isAccepted: Bool { outcome == .accepted }

    /// The extension id the peer uses for `uri` (e.g. `HeaderExtensionURI.mid`).
    public func extensionID(_ uri: String) -> UInt16? { headerExtensions.first { $0.uri == uri }?.id }
}
