/// Builds server-originated offers (subscriptions: we send the tracks of other participants),
/// as a pure function. Every section is bundled on our one transport; we offer
/// `setup:actpass` (JSEP 5.2.1), and browsers answer `active`, which keeps us the DTLS server.
public struct SDPOfferer: Sendable {
    /// One section to offer.
    public struct Section: Hashable, Sendable {
        public var mid: String
        public var kind: MediaKind
        /// Usually `.sendonly` for a subscription, `.inactive` for a paused slot.
        public var direction: MediaDirection
        public var codecs: [Codec]
        public var headerExtensions: [ExtensionMap]
        /// The track we send here; nil for a section with nothing to send yet.
        public var stream: OutgoingStream?

        public init(mid: String, kind: MediaKind, direction: MediaDirection = .sendonly, codecs: [Codec],
                    headerExtensions: [ExtensionMap] = [], stream: OutgoingStream? = nil) {
            self.mid = mid
            self.kind = kind
            self.direction = direction
            self.codecs = codecs
            self.headerExtensions = headerExtensions
            self.stream = stream
        }

        /// A data channel section (`m=application ... UDP/DTLS/SCTP webrtc-datachannel`).
        public static func dataChannel(mid: String) -> Section {
            Section(mid: mid, kind: .application, direction: .sendrecv, codecs: [])
        }
    }

    public var transport: LocalTransport
    public var sctpPort: UInt16
    public var maxMessageSize: UInt64

    public init(transport: LocalTransport, sctpPort: UInt16 = 5000, maxMessageSize: UInt64 = 262_144) {
        self.transport = transport
        self.sctpPort = sctpPort
        self.maxMessageSize = maxMessageSize
    }

    /// Codecs for `capabilities` with payload types handed out from `firstPayloadType` upward
    /// (each RTX right after its codec), skipping `reserved`. Stops when 127 is reached.
    public static func codecs(for capabilities: [CodecCapability], firstPayloadType: UInt8 = 96,
                              reserved: Set<UInt8> = []) -> [Codec] {
        var next = Int(firstPayloadType)
        func take() -> UInt8? {
            while next <= 127, reserved.contains(UInt8(next)) { next += 1 }
            guard next <= 127 else { return nil }
            defer { next += 1 }
            return UInt8(next)
        }
        var out: [Codec] = []
        for capability in capabilities {
            guard let pt = take() else { break }
            out.append(capability.codec(payloadType: pt))
            if capability.rtx, let rtx = take() {
                out.append(.rtx(payloadType: rtx, associatedPayloadType: pt, clockRate: capability.clockRate))
            }
        }
        return out
    }

    /// The offer. `sessionVersion` must grow with every new offer of the same session (JSEP 5.2.2).
    public func offer(sections: [Section], sessionID: UInt64, sessionVersion: UInt64) throws(SDPError) -> SessionDescription {
        guard sections.count <= SDPLimits.maxMediaSections else {
            throw .invalidValue(field: "sections", reason: "more than \(SDPLimits.maxMediaSections)")
        }
        var mids = Set<String>()
        for s in sections {
            guard SDPText.isToken(s.mid), mids.insert(s.mid).inserted else {
                throw .invalidValue(field: "mid", reason: "mids must be unique tokens")
            }
            guard s.kind == .application || !s.codecs.isEmpty else {
                throw .invalidValue(field: "codecs", reason: "section \(s.mid) has no codec")
            }
        }
        var offer = SessionDescription(origin: Origin(sessionID: sessionID, sessionVersion: sessionVersion,
                                                      address: transport.originAddress))
        if transport.iceLite { offer.attributes.append(Attribute("ice-lite")) }
        if !sections.isEmpty { offer.append(MediaGroup.bundle(sections.map(\.mid))) }
        var seen = Set<String>()
        let streams = sections.compactMap(\.stream?.streamID).filter { seen.insert($0).inserted }
        offer.append(MSIDSemantic(identifiers: streams))
        offer.media = sections.map(section)
        return offer
    }

    private func section(_ s: Section) -> MediaDescription {
        let destination = transport.defaultDestination
        if s.kind == .application {
            var m = MediaDescription(kind: .application, port: destination.port, proto: "UDP/DTLS/SCTP",
                                     formats: ["webrtc-datachannel"], connection: destination.connection)
            m.appendTransport(transport, setup: .actpass)
            m.mid = s.mid
            m.sctpPort = sctpPort
            m.maxMessageSize = maxMessageSize
            m.appendCandidates(transport)
            return m
        }
        var m = MediaDescription(kind: s.kind, port: destination.port, proto: "UDP/TLS/RTP/SAVPF", formats: [],
                                 connection: destination.connection)
        m.appendTransport(transport, setup: .actpass)
        m.mid = s.mid
        for e in s.headerExtensions { m.append(e) }
        m.direction = s.direction
        if let stream = s.stream { m.append(MediaStreamID(streamID: stream.streamID, trackID: stream.trackID)) }
        m.isRTCPMux = true
        m.isRTCPReducedSize = true
        m.setCodecs(s.codecs)
        if let stream = s.stream { m.appendSSRCs(of: stream, withRTX: s.codecs.contains(where: \.isRTX)) }
        m.appendCandidates(transport)
        return m
    }
}
