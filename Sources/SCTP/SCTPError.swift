/// Why an SCTP or data-channel operation failed.
public enum SCTPError: Error, Sendable, Equatable {
    /// usrsctp refused to create or configure the socket.
    case setupFailed
    /// The association is closed (or never connected).
    case closed
    /// usrsctp's send buffer is full; try later.
    case wouldBlock
    /// usrsctp returned this errno.
    case system(Int32)
    /// A message larger than the agreed maximum message size.
    case messageTooLarge(Int)
}

/// Why a data-channel (DCEP) message was refused.
public enum DataChannelError: Error, Sendable, Equatable {
    case truncated(needed: Int, have: Int)
    case unknownMessageType(UInt8)
    case unknownChannelType(UInt8)
    case invalidUTF8
    /// A payload protocol id that data channels do not use.
    case unknownPayloadProtocol(UInt32)
    /// Data on a stream no channel was opened on.
    case noChannel(UInt16)
    /// An OPEN for a stream that already has a channel.
    case channelExists(UInt16)
    /// An OPEN on a stream id of our parity (RFC 8832 §6: the DTLS client uses even ids).
    case wrongStreamParity(UInt16)
}
