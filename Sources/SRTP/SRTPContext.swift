// One libsrtp session for one direction: a wildcard-SSRC policy (ssrc_any_outbound to protect,
// ssrc_any_inbound to unprotect), so every SSRC a peer sends or receives gets its own stream
// state (rollover counter, replay window) from the same master key, created on first use.

import CSRTP

/// SRTP/SRTCP for one direction with one master key.
///
/// Not thread-safe (libsrtp sessions are not): use one context from one event loop. Each call
/// works in place in the caller's buffer and allocates nothing, except that libsrtp allocates a
/// stream the first time it sees an SSRC (inbound: only once a packet from it authenticates).
public final class SRTPContext {
    public enum Direction: Sendable, Equatable {
        /// Protects what we send.
        case outbound
        /// Unprotects what we receive.
        case inbound
    }

    /// Spare bytes protectRTP needs after the packet: libsrtp may write up to SRTP_MAX_TRAILER_LEN.
    public static let requiredRTPCapacity = Int(SRTP_MAX_TRAILER_LEN)
    /// Spare bytes protectRTCP needs after the packet: SRTP_MAX_TRAILER_LEN plus the SRTCP index.
    public static let requiredRTCPCapacity = Int(SRTP_MAX_TRAILER_LEN) + 4

    public let direction: Direction
    public let profile: SRTPProfile
    /// How many bytes protectRTP adds (the tag), for planning packet sizes.
    public let rtpTrailerLength: Int
    /// How many bytes protectRTCP adds (SRTCP index and tag).
    public let rtcpTrailerLength: Int

    private let session: OpaquePointer

    /// - Parameters:
    ///   - replayWindow: packets of reordering tolerated by replay protection (libsrtp: 64...32767).
    ///   - allowRepeatTransmission: outbound only; lets the same RTP packet (same SSRC and
    ///     sequence number, same payload) be protected again, which retransmitting a cached
    ///     packet for a NACK without RTX does.
    public init(direction: Direction, profile: SRTPProfile, key: [UInt8], salt: [UInt8],
                replayWindow: Int = 1024, allowRepeatTransmission: Bool = true) throws(SRTPError) {
        try LibSRTP.ensureInitialized()
        guard key.count == profile.keyLength else {
            throw .invalidKeyLength(expected: profile.keyLength, actual: key.count)
        }
        guard salt.count == profile.saltLength else {
            throw .invalidKeyLength(expected: profile.saltLength, actual: salt.count)
        }
        guard (64...0x7FFF).contains(replayWindow) else { throw .invalidReplayWindow(replayWindow) }

        var policy = srtp_policy_t()
        profile.apply(to: &policy)
        policy.ssrc.type = direction == .outbound ? ssrc_any_outbound : ssrc_any_inbound
        policy.window_size = UInt(replayWindow)
        policy.allow_repeat_tx = direction == .outbound && allowRepeatTransmission ? 1 : 0
        policy.next = nil

        // libsrtp wants key || salt in one buffer and copies it during srtp_create.
        var master = key + salt
        var created: OpaquePointer?
        let status = master.withUnsafeMutableBufferPointer { buffer -> srtp_err_status_t in
            policy.key = buffer.baseAddress
            return srtp_create(&created, &policy)
        }
        for index in master.indices { master[index] = 0 }  // do not leave key bytes behind
        guard status == srtp_err_status_ok, let created else { throw SRTPError(status: status) }

        var rtpTrailer: UInt32 = 0
        var rtcpTrailer: UInt32 = 0
        guard srtp_get_protect_trailer_length(created, 0, 0, &rtpTrailer) == srtp_err_status_ok,
              srtp_get_protect_rtcp_trailer_length(created, 0, 0, &rtcpTrailer) == srtp_err_status_ok else {
            srtp_dealloc(created)
            throw .badParam
        }
        self.direction = direction
        self.profile = profile
        self.session = created
        self.rtpTrailerLength = Int(rtpTrailer)
        self.rtcpTrailerLength = Int(rtcpTrailer)
    }

    deinit { srtp_dealloc(session) }

    /// Encrypts and authenticates the RTP packet in `buffer[0..<length]` in place.
    /// `buffer` must have `requiredRTPCapacity` bytes after the packet. Returns the SRTP length.
    public func protectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        guard direction == .outbound else { throw .wrongDirection }
        guard PacketShape.isRTP(UnsafeRawBufferPointer(buffer), length: length, trailing: 0) else {
            throw .malformedPacket
        }
        try requireCapacity(buffer, length: length, spare: Self.requiredRTPCapacity)
        return try call(buffer, length: length, srtp_protect)
    }

    /// Verifies and decrypts the SRTP packet in `buffer[0..<length]` in place. Returns the RTP length.
    public func unprotectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        guard direction == .inbound else { throw .wrongDirection }
        guard PacketShape.isRTP(UnsafeRawBufferPointer(buffer), length: length, trailing: rtpTrailerLength) else {
            throw .malformedPacket
        }
        return try call(buffer, length: length, srtp_unprotect)
    }

    /// Encrypts and authenticates the RTCP compound packet in place; appends the SRTCP index and
    /// tag. `buffer` must have `requiredRTCPCapacity` bytes after the packet. Returns the SRTCP length.
    public func protectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        guard direction == .outbound else { throw .wrongDirection }
        guard PacketShape.isRTCP(UnsafeRawBufferPointer(buffer), length: length, trailing: 0) else {
            throw .malformedPacket
        }
        try requireCapacity(buffer, length: length, spare: Self.requiredRTCPCapacity)
        return try call(buffer, length: length, srtp_protect_rtcp)
    }

    /// Verifies and decrypts the SRTCP packet in place. Returns the RTCP length.
    public func unprotectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        guard direction == .inbound else { throw .wrongDirection }
        guard PacketShape.isRTCP(UnsafeRawBufferPointer(buffer), length: length, trailing: rtcpTrailerLength) else {
            throw .malformedPacket
        }
        return try call(buffer, length: length, srtp_unprotect_rtcp)
    }

    private func requireCapacity(_ buffer: UnsafeMutableRawBufferPointer, length: Int, spare: Int) throws(SRTPError) {
        guard buffer.count - length >= spare else {
            throw .bufferTooSmall(needed: length + spare, available: buffer.count)
        }
    }

    private func call(_ buffer: UnsafeMutableRawBufferPointer, length: Int,
                      _ operation: (OpaquePointer?, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int32>?) -> srtp_err_status_t)
        throws(SRTPError) -> Int {
        guard let base = buffer.baseAddress, length <= Int(Int32.max) else { throw .malformedPacket }
        var newLength = Int32(length)
        let status = operation(session, base, &newLength)
        guard status == srtp_err_status_ok else { throw SRTPError(status: status) }
        return Int(newLength)
    }
}
