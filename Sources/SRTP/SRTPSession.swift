// The SRTP state of one peer connection: one outbound context keyed with our DTLS-exported
// "local" key, one inbound context keyed with the "remote" key.

/// Protects what we send and unprotects what we receive on one transport.
///
/// Not thread-safe: one session lives on the event loop that owns its peer connection.
public final class SRTPSession {
    public let profile: SRTPProfile
    private let outbound: SRTPContext
    private let inbound: SRTPContext

    /// Spare bytes protectRTP needs after the packet in the caller's buffer.
    public static let requiredRTPCapacity = SRTPContext.requiredRTPCapacity
    /// Spare bytes protectRTCP needs after the packet in the caller's buffer.
    public static let requiredRTCPCapacity = SRTPContext.requiredRTCPCapacity

    public init(profile: SRTPProfile, localKey: [UInt8], localSalt: [UInt8],
                remoteKey: [UInt8], remoteSalt: [UInt8],
                replayWindow: Int = 1024, allowRepeatTransmission: Bool = true) throws(SRTPError) {
        self.profile = profile
        outbound = try SRTPContext(direction: .outbound, profile: profile, key: localKey, salt: localSalt,
                                   replayWindow: replayWindow, allowRepeatTransmission: allowRepeatTransmission)
        inbound = try SRTPContext(direction: .inbound, profile: profile, key: remoteKey, salt: remoteSalt,
                                  replayWindow: replayWindow)
    }

    /// Bytes protectRTP adds to a packet.
    public var rtpTrailerLength: Int { outbound.rtpTrailerLength }
    /// Bytes protectRTCP adds to a packet.
    public var rtcpTrailerLength: Int { outbound.rtcpTrailerLength }

    /// See `SRTPContext.protectRTP`.
    public func protectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        try outbound.protectRTP(buffer, length: length)
    }

    /// See `SRTPContext.unprotectRTP`.
    public func unprotectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        try inbound.unprotectRTP(buffer, length: length)
    }

    /// See `SRTPContext.protectRTCP`.
    public func protectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        try outbound.protectRTCP(buffer, length: length)
    }

    /// See `SRTPContext.unprotectRTCP`.
    public func unprotectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        try inbound.unprotectRTCP(buffer, length: length)
    }

    // Array conveniences for tools and tests; the packet path uses the buffer functions above.

    public func protectRTP(_ packet: inout [UInt8]) throws(SRTPError) {
        try packet.transformInPlace(spare: Self.requiredRTPCapacity) { b, n throws(SRTPError) in try protectRTP(b, length: n) }
    }

    public func unprotectRTP(_ packet: inout [UInt8]) throws(SRTPError) {
        try packet.transformInPlace(spare: 0) { b, n throws(SRTPError) in try unprotectRTP(b, length: n) }
    }

    public func protectRTCP(_ packet: inout [UInt8]) throws(SRTPError) {
        try packet.transformInPlace(spare: Self.requiredRTCPCapacity) { b, n throws(SRTPError) in try protectRTCP(b, length: n) }
    }

    public func unprotectRTCP(_ packet: inout [UInt8]) throws(SRTPError) {
        try packet.transformInPlace(spare: 0) { b, n throws(SRTPError) in try unprotectRTCP(b, length: n) }
    }
}

extension Array where Element == UInt8 {
    /// Runs an in-place transform with `spare` scratch bytes after the packet, then trims the
    /// array to the transform's output length (or back to the input on failure).
    mutating func transformInPlace(spare: Int,
                                   _ body: (UnsafeMutableRawBufferPointer, Int) throws(SRTPError) -> Int) throws(SRTPError) {
        let length = count
        if spare > 0 { append(contentsOf: repeatElement(0, count: spare)) }
        var result: Result<Int, SRTPError> = .failure(.malformedPacket)
        withUnsafeMutableBytes { buffer in
            result = Result { () throws(SRTPError) -> Int in try body(buffer, length) }
        }
        switch result {
        case .success(let newLength):
            removeLast(count - newLength)
        case .failure(let error):
            removeLast(count - length)
            throw error
        }
    }
}
