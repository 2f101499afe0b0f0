/// One decoded RTCP packet of any type this module knows; others are kept raw.
public enum RTCPPacket: Sendable, Equatable {
    case senderReport(SenderReport)
    case receiverReport(ReceiverReport)
    case sourceDescription(SourceDescription)
    case goodbye(Goodbye)
    case nack(GenericNACK)
    case transportWideFeedback(TransportWideFeedback)
    case pictureLossIndication(PictureLossIndication)
    case fullIntraRequest(FullIntraRequest)
    case receiverEstimatedMaxBitrate(ReceiverEstimatedMaxBitrate)
    case raw(RawRTCPPacket)

    /// Decodes one packet that fills `packet` exactly, choosing the type from PT and FMT.
    public init(parsing packet: UnsafeRawBufferPointer) throws(RTCPError) {
        let slice = try RTCPPacketSlice(parsing: packet, at: 0)
        switch (slice.header.packetType, slice.header.count) {
        case (.senderReport, _): self = .senderReport(try SenderReport(parsing: packet))
        case (.receiverReport, _): self = .receiverReport(try ReceiverReport(parsing: packet))
        case (.sourceDescription, _): self = .sourceDescription(try SourceDescription(parsing: packet))
        case (.goodbye, _): self = .goodbye(try Goodbye(parsing: packet))
        case (.transportFeedback, GenericNACK.format): self = .nack(try GenericNACK(parsing: packet))
        case (.transportFeedback, TransportWideFeedback.format):
            self = .transportWideFeedback(try TransportWideFeedback(parsing: packet))
        case (.payloadFeedback, PictureLossIndication.format):
            self = .pictureLossIndication(try PictureLossIndication(parsing: packet))
        case (.payloadFeedback, FullIntraRequest.format): self = .fullIntraRequest(try FullIntraRequest(parsing: packet))
        case (.payloadFeedback, ReceiverEstimatedMaxBitrate.format)
            where ReceiverEstimatedMaxBitrate.isREMB(body: UnsafeRawBufferPointer(rebasing: packet[slice.bodyRange])):
            self = .receiverEstimatedMaxBitrate(try ReceiverEstimatedMaxBitrate(parsing: packet))
        default: self = .raw(try RawRTCPPacket(parsing: packet))
        }
    }

    /// Decodes one packet from owned bytes.
    public init(parsing bytes: [UInt8]) throws(RTCPError) {
        let result: Result<RTCPPacket, RTCPError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(RTCPError) in try RTCPPacket(parsing: buffer) }
        }
        self = try result.get()
    }

    /// Bytes `marshal` writes (a switch rather than an existential, so no boxing per call).
    public var marshalSize: Int {
        switch self {
        case .senderReport(let packet): packet.marshalSize
        case .receiverReport(let packet): packet.marshalSize
        case .sourceDescription(let packet): packet.marshalSize
        case .goodbye(let packet): packet.marshalSize
        case .nack(let packet): packet.marshalSize
        case .transportWideFeedback(let packet): packet.marshalSize
        case .pictureLossIndication(let packet): packet.marshalSize
        case .fullIntraRequest(let packet): packet.marshalSize
        case .receiverEstimatedMaxBitrate(let packet): packet.marshalSize
        case .raw(let packet): packet.marshalSize
        }
    }

    /// Writes the packet at the start of `buffer`; returns the bytes written.
    public func marshal(into buffer: UnsafeMutableRawBufferPointer) throws(RTCPError) -> Int {
        switch self {
        case .senderReport(let packet): try packet.marshal(into: buffer)
        case .receiverReport(let packet): try packet.marshal(into: buffer)
        case .sourceDescription(let packet): try packet.marshal(into: buffer)
        case .goodbye(let packet): try packet.marshal(into: buffer)
        case .nack(let packet): try packet.marshal(into: buffer)
        case .transportWideFeedback(let packet): try packet.marshal(into: buffer)
        case .pictureLossIndication(let packet): try packet.marshal(into: buffer)
        case .fullIntraRequest(let packet): try packet.marshal(into: buffer)
        case .receiverEstimatedMaxBitrate(let packet): try packet.marshal(into: buffer)
        case .raw(let packet): try packet.marshal(into: buffer)
        }
    }
}
