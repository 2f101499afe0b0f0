import OutputQueue

/// One SCTP user message: the stream it travels on, its payload protocol id and its bytes.
public struct SCTPMessage: Sendable, Equatable {
    public var stream: UInt16
    public var ppid: UInt32
    public var payload: [UInt8]

    public init(stream: UInt16, ppid: UInt32, payload: [UInt8]) {
        self.stream = stream
        self.ppid = ppid
        self.payload = payload
    }
}

/// An open data channel: its SCTP stream id and what its OPEN said.
public struct DataChannel: Sendable, Equatable {
    public var id: UInt16
    public var label: String
    public var `protocol`: String
    public var ordered: Bool
    public var reliability: DataChannelReliability

    public init(id: UInt16, label: String, protocol: String, ordered: Bool, reliability: DataChannelReliability) {
        self.id = id
        self.label = label
        self.protocol = `protocol`
        self.ordered = ordered
        self.reliability = reliability
    }
}

/// A data-channel message as the application sees it.
public enum DataChannelPayload: Sendable, Equatable {
    case text(String)
    case binary([UInt8])
}

/// What `DataChannels` asks of its owner, or tells it.
public enum DataChannelOutput: Sendable, Equatable {
    /// Send this SCTP message with the channel's ordering and reliability.
    case send(SCTPMessage, on: DataChannel)
    /// Reset our outgoing stream (the channel closes).
    case resetStream(UInt16)
    /// The peer opened a channel (we acknowledged it).
    case opened(DataChannel)
    case message(channel: UInt16, DataChannelPayload)
    /// The channel is gone (the peer reset its stream, or we closed it).
    case closed(UInt16)
}

/// The data channels of one association (DCEP, RFC 8832), as a pure state machine: SCTP
/// messages and stream resets in, sends, resets and channel events out (`pollOutput`).
public struct DataChannels: Sendable {
    /// Stream ids are split by DTLS role: the DTLS client opens even ones, the server odd ones.
    public let isDTLSClient: Bool
    public private(set) var channels: [UInt16: DataChannel] = [:]
    private var outputs = OutputQueue<DataChannelOutput>()
    private var nextStream: UInt16

    public init(isDTLSClient: Bool) {
        self.isDTLSClient = isDTLSClient
        nextStream = isDTLSClient ? 0 : 1
    }

    public mutating func pollOutput() -> DataChannelOutput? { outputs.next() }

    /// One message from the peer. A refused message changes nothing.
    public mutating func receive(_ message: SCTPMessage) throws(DataChannelError) {
        guard let ppid = PayloadProtocol(rawValue: message.ppid) else { throw .unknownPayloadProtocol(message.ppid) }
        let stream = message.stream
        switch ppid {
        case .dcep:
            guard let type = message.payload.first else { throw .truncated(needed: 1, have: 0) }
            if type == DataChannelOpen.ackType {
                guard channels[stream] != nil else { throw .noChannel(stream) }
                return  // our OPEN was taken; we may already have sent on it (RFC 8832 §6)
            }
            let open = try DataChannelOpen(parsing: message.payload)
            guard ownsParity(stream) == false else { throw .wrongStreamParity(stream) }
            guard channels[stream] == nil else { throw .channelExists(stream) }
            let channel = DataChannel(id: stream, label: open.label, protocol: open.protocol, ordered: open.ordered,
                                      reliability: open.reliability)
            channels[stream] = channel
            outputs.append(.send(SCTPMessage(stream: stream, ppid: PayloadProtocol.dcep.rawValue,
                                             payload: [DataChannelOpen.ackType]), on: channel))
            outputs.append(.opened(channel))
        case .string, .stringEmpty:
            guard channels[stream] != nil else { throw .noChannel(stream) }
            if ppid == .stringEmpty {
                outputs.append(.message(channel: stream, .text("")))
            } else {
                guard let text = String(validating: message.payload, as: UTF8.self) else { throw .invalidUTF8 }
                outputs.append(.message(channel: stream, .text(text)))
            }
        case .binary, .binaryEmpty:
            guard channels[stream] != nil else { throw .noChannel(stream) }
            outputs.append(.message(channel: stream, .binary(ppid == .binaryEmpty ? [] : message.payload)))
        }
    }

    /// Opens a channel from our side; nil when every stream id of our parity is taken.
    public mutating func open(label: String, protocol: String = "", ordered: Bool = true,
                              reliability: DataChannelReliability = .reliable) -> DataChannel? {
        var candidate = nextStream
        while channels[candidate] != nil {
            guard candidate <= UInt16.max - 2 else { return nil }
            candidate += 2
        }
        nextStream = candidate <= UInt16.max - 2 ? candidate + 2 : candidate
        let channel = DataChannel(id: candidate, label: label, protocol: `protocol`, ordered: ordered, reliability: reliability)
        channels[candidate] = channel
        let open = DataChannelOpen(label: label, protocol: `protocol`, ordered: ordered, reliability: reliability)
        outputs.append(.send(SCTPMessage(stream: candidate, ppid: PayloadProtocol.dcep.rawValue, payload: open.bytes),
                             on: channel))
        return channel
    }

    /// Queues a message on an open channel.
    public mutating func send(_ payload: DataChannelPayload, on id: UInt16) throws(DataChannelError) {
        try send(Self.message(payload, stream: id))
    }

    /// Queues a message already in SCTP form (`message(_:stream:)`) on the channel of its stream;
    /// one payload built once can go to many associations without being copied.
    public mutating func send(_ message: SCTPMessage) throws(DataChannelError) {
        guard let channel = channels[message.stream] else { throw .noChannel(message.stream) }
        outputs.append(.send(message, on: channel))
    }

    /// The SCTP form of a payload (empty ones carry one ignored byte, RFC 8831 §6.6).
    public static func message(_ payload: DataChannelPayload, stream: UInt16) -> SCTPMessage {
        switch payload {
        case .text(let text) where text.isEmpty:
            SCTPMessage(stream: stream, ppid: PayloadProtocol.stringEmpty.rawValue, payload: [0])
        case .text(let text):
            SCTPMessage(stream: stream, ppid: PayloadProtocol.string.rawValue, payload: Array(text.utf8))
        case .binary(let bytes) where bytes.isEmpty:
            SCTPMessage(stream: stream, ppid: PayloadProtocol.binaryEmpty.rawValue, payload: [0])
        case .binary(let bytes):
            SCTPMessage(stream: stream, ppid: PayloadProtocol.binary.rawValue, payload: bytes)
        }
    }

    /// Closes a channel: our outgoing stream is reset. Called for our own close, and when the
    /// peer reset its outgoing stream, since each side resets its own (RFC 8831 §6.7); the reset
    /// answering our close then finds no channel and does nothing.
    public mutating func close(_ id: UInt16) {
        guard channels.removeValue(forKey: id) != nil else { return }
        outputs.append(.resetStream(id))
        outputs.append(.closed(id))
    }

    private func ownsParity(_ stream: UInt16) -> Bool { (stream % 2 == 0) == isDTLSClient }
}
