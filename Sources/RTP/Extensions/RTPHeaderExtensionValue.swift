/// A typed value of one header-extension element (abs-send-time, transport-wide seq, ...).
public protocol RTPHeaderExtensionValue: Sendable, Equatable {
    /// Bytes this value takes on the wire.
    var encodedLength: Int { get }
    /// Reads the value from the element's bytes (the range an `RTPHeaderExtensionElement` gives).
    init(parsing value: UnsafeRawBufferPointer) throws(RTPError)
    /// Writes exactly `encodedLength` bytes; `value.count` is that length (the writer checks).
    func write(into value: UnsafeMutableRawBufferPointer)
}

extension RTPHeaderExtensionValue {
    /// Reads the value from owned bytes.
    public init(parsing bytes: [UInt8]) throws(RTPError) {
        let result: Result<Self, RTPError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(RTPError) in try Self(parsing: buffer) }
        }
        self = try result.get()
    }

    /// Finds the element with local `id` in a parsed packet and reads it; nil when absent.
    @inlinable
    public init?(from header: RTPHeader, id: UInt8, in packet: UnsafeRawBufferPointer) throws(RTPError) {
        guard let range = header.extensionValueRange(id: id, in: packet) else { return nil }
        try self.init(parsing: UnsafeRawBufferPointer(rebasing: packet[range]))
    }

    /// The value as owned bytes (for builders and tests).
    public var encoded: [UInt8] {
        var out = [UInt8](repeating: 0, count: encodedLength)
        out.withUnsafeMutableBytes { write(into: $0) }
        return out
    }
}

/// The extmap URIs (as negotiated in SDP `a=extmap`) of the extensions this module understands.
public enum RTPHeaderExtensionURI {
    public static let absSendTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
    public static let transportWideSequenceNumber =
        "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
    public static let audioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
    public static let mid = "urn:ietf:params:rtp-hdrext:sdes:mid"
    public static let rtpStreamID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"
    public static let repairedRTPStreamID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"
}
