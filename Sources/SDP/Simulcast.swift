/// a=simulcast (RFC 8853): `send q;h;f recv a,b;~c`. Each list holds streams in priority
/// order; each stream is a list of alternative rids; `~` marks a stream as paused.
public struct Simulcast: AttributeValue {
    public static let attributeName = "simulcast"

    /// One rid in a simulcast list, possibly paused.
    public struct RID: Hashable, Sendable {
        public var id: String
        public var paused: Bool
        public init(_ id: String, paused: Bool = false) {
            self.id = id
            self.paused = paused
        }
        var text: String { paused ? "~\(id)" : id }
    }

    /// Streams sent by the writer of the description; each inner array holds alternatives.
    public var send: [[RID]]
    /// Streams the writer receives.
    public var recv: [[RID]]

    public init(send: [[RID]] = [], recv: [[RID]] = []) {
        self.send = send
        self.recv = recv
    }

    public init(parsing value: String) throws(SDPError) {
        let t = ByteText(value)
        try self.init(t, t.all)
    }

    init(_ t: ByteText, _ r: Range<Int>) throws(SDPError) {
        let f = t.fields(r)
        guard f.count == 2 || f.count == 4 else {
            throw .invalidValue(field: "simulcast", reason: "needs send|recv <list> [recv|send <list>]")
        }
        var send: [[RID]]?
        var recv: [[RID]]?
        var i = 0
        while i + 1 < f.count {
            let list = try Simulcast.parseList(t, f[i + 1])
            if t.equals(f[i], "send"), send == nil {
                send = list
            } else if t.equals(f[i], "recv"), recv == nil {
                recv = list
            } else {
                throw .invalidValue(field: "simulcast", reason: "expected one send and/or one recv list")
            }
            i += 2
        }
        self.init(send: send ?? [], recv: recv ?? [])
    }

    private static func parseList(_ t: ByteText, _ r: Range<Int>) throws(SDPError) -> [[RID]] {
        var streams: [[RID]] = []
        var total = 0
        for stream in t.split(r, 0x3B) {
            var alternatives: [RID] = []
            for item in t.split(stream, 0x2C) {
                total += 1
                guard total <= SDPLimits.maxListItems else {
                    throw .invalidValue(field: "simulcast", reason: "more than \(SDPLimits.maxListItems) rids")
                }
                let paused = t.byte(item.lowerBound) == 0x7E && !item.isEmpty
                let id = paused ? (item.lowerBound + 1)..<item.upperBound : item
                guard RIDDescription.isValidID(t, id) else {
                    throw .invalidValue(field: "simulcast", reason: "bad rid id")
                }
                alternatives.append(RID(t.string(id), paused: paused))
            }
            streams.append(alternatives)
        }
        return streams
    }

    private static func serialize(_ list: [[RID]]) -> String {
        list.map { $0.map(\.text).joined(separator: ",") }.joined(separator: ";")
    }

    public var attributeValue: String {
        var parts: [String] = []
        if !send.isEmpty { parts.append("send \(Simulcast.serialize(send))") }
        if !recv.isEmpty { parts.append("recv \(Simulcast.serialize(recv))") }
        return parts.joined(separator: " ")
    }

    /// Every rid of both lists, alternatives included.
    public var allRIDs: [String] { (send + recv).flatMap { $0.map(\.id) } }
}
