/// A track we send in a section: its msid and SSRCs (and the RTX SSRC paired by FID).
public struct OutgoingStream: Hashable, Sendable {
    public var streamID: String
    public var trackID: String
    public var ssrc: UInt32
    public var rtxSSRC: UInt32?
    public var cname: String

    public init(streamID: String, trackID: String, ssrc: UInt32, rtxSSRC: UInt32? = nil, cname: String) {
        self.streamID = streamID
        self.trackID = trackID
        self.ssrc = ssrc
        self.rtxSSRC = rtxSSRC
        self.cname = cname
    }
}
