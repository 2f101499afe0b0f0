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
        let f = SDPSyntax.fields(value)
        guard f.count == 2 || f.count == 4 else {
            throw .invalidValue(field: "simulcast", reason: "needs send|recv <list> [recv|send <list>]")
        }
        var send: [[RID]]?
        var recv: [[RID]]?
        var i = 0
        while i + 1 < f.count {
            let list = try Simulcast.parseList(f[i + 1])
            switch f[i] {
            case "send" where send == nil: send = list
            case "recv" where recv == nil: recv = list
            default: throw .invalidValue(field: "simulcast", reason: "expected one send and/or one recv list")
            }
            i += 2
        }
        self.init(send: send ?? [], recv: recv ?? [])
    }

    private static func parseList(_ text: Substring) throws(SDPError) -> [[RID]] {
        var streams: [[RID]] = []
        var total = 0
        for stream in text.split(separator: ";", omittingEmptySubsequences: false) {
            var alternatives: [RID] = []
            for item in stream.split(separator: ",", omittingEmptySubsequences: false) {
                total += 1
                guard total <= SDPLimits.maxListItems else {
                    throw .invalidValue(field: "simulcast", reason: "more than \(SDPLimits.maxListItems) rids")
                }
                let paused = item.first == "~"
                let id = paused ? item.dropFirst() : item
                guard RIDDescription.isValidID(id) else {
                    throw .invalidValue(field: "simulcast", reason: "bad rid id")
                }
                alternatives.append(RID(String(id), paused: paused))
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
