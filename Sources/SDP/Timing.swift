/// A t= line with the r= lines that follow it. WebRTC always uses `t=0 0` (unbounded).
public struct Timing: Hashable, Sendable {
    public var start: UInt64
    public var stop: UInt64
    /// r= values, kept as written: nothing in WebRTC reads them.
    public var repeats: [String]

    public init(start: UInt64 = 0, stop: UInt64 = 0, repeats: [String] = []) {
        self.start = start
        self.stop = stop
        self.repeats = repeats
    }

    public init(parsing value: String) throws(SDPError) {
        let t = ByteText(value)
        try self.init(t, t.all)
    }

    init(_ t: ByteText, _ r: Range<Int>) throws(SDPError) {
        let f = t.fields(r)
        guard f.count == 2, let start = t.unsigned(f[0]), let stop = t.unsigned(f[1]) else {
            throw .invalidValue(field: "t=", reason: "needs <start> <stop> as decimals")
        }
        self.init(start: start, stop: stop)
    }

    public var lineValue: String { "\(start) \(stop)" }
}
