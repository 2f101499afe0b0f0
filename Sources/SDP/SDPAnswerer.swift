/// Builds our answer to a peer's offer (JSEP 5.3, RFC 8843 BUNDLE), as a pure function of the
/// offer, our configuration and the caller's per-section policy.
///
/// Rules: codecs keep the offer's payload types and order, filtered by our capabilities, with
/// RTX kept only for kept codecs; header extensions keep the offer's ids; a section is rejected
/// (port 0, left out of BUNDLE) when its kind or transport is unsupported, it has no mid or no
/// common codec, lacks rtcp-mux, sits outside the offer's BUNDLE group, or the caller says so.
/// We answer `setup:passive` (DTLS server) unless the offer is itself passive.
public struct SDPAnswerer: Sendable {
    public var configuration: AnswerConfiguration

    public init(configuration: AnswerConfiguration) {
        self.configuration = configuration
    }

    /// - Parameters:
    ///   - policies: per-mid decisions; sections not listed get `defaultPolicy`.
    public func answer(to offer: SessionDescription, policies: [String: MediaAnswerPolicy] = [:],
                       defaultPolicy: MediaAnswerPolicy = .receive) throws(SDPError) -> SDPAnswer {
        let bundle = offer.bundleGroup
        var sections: [MediaDescription] = []
        var negotiated: [NegotiatedMedia] = []
        var remote: TransportParameters?
        var dtlsRole = SetupRole.passive
        let local = configuration.transport

        for (index, offered) in offer.media.enumerated() {
            let policy = offered.mid.flatMap { policies[$0] } ?? defaultPolicy
            let result: (MediaDescription, NegotiatedMedia)
            if let reason = rejection(of: offered, policy: policy, bundle: bundle) {
                result = rejected(offered, index: index, reason: reason)
            } else if offered.isDataChannel {
                result = dataChannel(offered, index: index)
            } else {
                result = rtp(offered, index: index, policy: policy)
            }
            if result.1.isAccepted {
                guard let transport = offer.transport(forMediaAt: index) else {
                    throw .cannotAnswer("section \(index) has no transport")
                }
                guard transport.iceUfrag != nil, transport.icePwd != nil else {
                    throw .cannotAnswer("section \(index) has no ICE credentials")
                }
                guard !transport.fingerprints.isEmpty else {
                    throw .cannotAnswer("section \(index) has no DTLS fingerprint")
                }
                switch transport.setup {
                case .passive: dtlsRole = .active
                case .holdconn: throw .cannotAnswer("section \(index) has setup:holdconn")
                case .actpass, .active, nil: dtlsRole = .passive
                }
                if remote == nil { remote = transport }
            }
            sections.append(result.0)
            negotiated.append(result.1)
        }

        let acceptedMids = negotiated.filter(\.isAccepted).compactMap(\.mid)
        if bundle == nil, acceptedMids.count > 1 {
            throw .cannotAnswer("offer without BUNDLE: we need one transport for all sections")
        }
        // The role is the same for every section: write the one we settled on.
        for i in sections.indices where negotiated[i].isAccepted { sections[i].setup = dtlsRole }

        var answer = SessionDescription(origin: Origin(sessionID: configuration.sessionID,
                                                       sessionVersion: configuration.sessionVersion,
                                                       address: local.originAddress))
        if local.iceLite { answer.attributes.append(Attribute("ice-lite")) }
        if let bundle {
            let mids = bundle.mids.filter(acceptedMids.contains)
            if !mids.isEmpty { answer.append(MediaGroup.bundle(mids)) }
        }
        if configuration.allowsMixedExtensionHeaders, offer.hasAttribute("extmap-allow-mixed") {
            answer.attributes.append(Attribute("extmap-allow-mixed"))
        }
        let streams = sections.flatMap(\.msids).map(\.streamID)
        var seen = Set<String>()
        answer.append(MSIDSemantic(identifiers: streams.filter { seen.insert($0).inserted }))
        answer.media = sections
        return SDPAnswer(description: answer, media: negotiated, dtlsRole: dtlsRole, remoteTransport: remote)
    }

    private func rejection(of offered: MediaDescription, policy: MediaAnswerPolicy, bundle: MediaGroup?) -> String? {
        if policy == .reject { return "rejected by policy" }
        guard let mid = offered.mid else { return "no mid" }
        if offered.port == 0, !offered.isBundleOnly { return "disabled in the offer" }
        if let bundle, !bundle.mids.contains(mid) { return "outside the BUNDLE group" }
        switch offered.kind {
        case .audio, .video:
            guard offered.proto.hasSuffix("/TLS/RTP/SAVPF") || offered.proto == "RTP/SAVPF" else {
                return "unsupported transport \(offered.proto)"
            }
            guard offered.isRTCPMux else { return "no rtcp-mux" }
            return nil
        case .application:
            guard configuration.acceptsDataChannels else { return "data channels disabled" }
            guard offered.isDataChannel, offered.formats == ["webrtc-datachannel"] else {
                return "unsupported application \(offered.proto)"
            }
            return nil
        case .other(let kind):
            return "unsupported media kind \(kind)"
        }
    }

    private func rejected(_ offered: MediaDescription, index: Int, reason: String) -> (MediaDescription, NegotiatedMedia) {
        var m = MediaDescription(kind: offered.kind, port: 0, proto: offered.proto, formats: offered.formats,
                                 connection: Connection(address: "0.0.0.0"))
        if let mid = offered.mid { m.mid = mid }
        if offered.isRTP { m.direction = .inactive }
        return (m, NegotiatedMedia(index: index, mid: offered.mid, kind: offered.kind, outcome: .rejected(reason)))
    }

    private func dataChannel(_ offered: MediaDescription, index: Int) -> (MediaDescription, NegotiatedMedia) {
        let local = configuration.transport
        let destination = local.defaultDestination
        var m = MediaDescription(kind: .application, port: destination.port, proto: offered.proto,
                                 formats: offered.formats, connection: destination.connection)
        m.appendTransport(local, setup: .passive)
        m.mid = offered.mid
        m.sctpPort = configuration.sctpPort
        m.maxMessageSize = configuration.maxMessageSize
        m.appendCandidates(local)
        return (m, NegotiatedMedia(index: index, mid: offered.mid, kind: .application, outcome: .accepted,
                                   direction: .sendrecv))
    }

    private func rtp(_ offered: MediaDescription, index: Int, policy: MediaAnswerPolicy) -> (MediaDescription, NegotiatedMedia) {
        let codecs = negotiateCodecs(offered)
        guard codecs.contains(where: { !$0.isRTX }) else {
            return rejected(offered, index: index, reason: "no common codec")
        }
        var sendStream: OutgoingStream?
        if case .accept(let stream) = policy, offered.direction.receives { sendStream = stream }
        let direction = MediaDirection(sends: sendStream != nil, receives: offered.direction.sends)

        let local = configuration.transport
        let destination = local.defaultDestination
        var m = MediaDescription(kind: offered.kind, port: destination.port, proto: offered.proto,
                                 formats: [], connection: destination.connection)
        m.appendTransport(local, setup: .passive)
        m.mid = offered.mid
        let extensions = offered.extensionMaps.filter { configuration.headerExtensions.contains($0.uri) }.map { e in
            ExtensionMap(id: e.id, uri: e.uri, direction: e.direction?.reversed)
        }
        for e in extensions { m.append(e) }
        m.direction = direction
        if let sendStream { m.append(MediaStreamID(streamID: sendStream.streamID, trackID: sendStream.trackID)) }
        m.isRTCPMux = true
        if offered.isRTCPReducedSize { m.isRTCPReducedSize = true }
        m.setCodecs(codecs)

        // Simulcast: the streams the peer sends become the ones we receive (RFC 8853 5.3).
        var receiveRIDs: [String] = []
        if direction.receives, let simulcast = offered.simulcast, !simulcast.send.isEmpty {
            let kept = Set(codecs.map(\.payloadType))
            let offeredRIDs = offered.rids.filter { $0.direction == .send }
            let known = Set(offeredRIDs.map(\.id))
            let streams = simulcast.send.map { $0.filter { known.contains($0.id) } }.filter { !$0.isEmpty }
            let used = Set(streams.flatMap { $0.map(\.id) })
            for rid in offeredRIDs where used.contains(rid.id) {
                var answered = rid
                answered.direction = .recv
                answered.payloadTypes = rid.payloadTypes.filter(kept.contains)
                m.append(answered)
                receiveRIDs.append(rid.id)
            }
            if !streams.isEmpty { m.append(Simulcast(recv: streams)) }
        }
        if let sendStream { m.appendSSRCs(of: sendStream, withRTX: codecs.contains(where: \.isRTX)) }
        m.appendCandidates(local)
        return (m, NegotiatedMedia(index: index, mid: offered.mid, kind: offered.kind, outcome: .accepted,
                                   direction: direction, codecs: codecs, headerExtensions: extensions,
                                   receiveRIDs: receiveRIDs))
    }

    /// Offered codecs we support, in the offer's order, with their RTX when we take RTX for them.
    func negotiateCodecs(_ offered: MediaDescription) -> [Codec] {
        let all = offered.codecs
        var kept: [UInt8: CodecCapability] = [:]
        for codec in all where !codec.isRTX {
            if let capability = configuration.codecs.first(where: { $0.kind == offered.kind && $0.matches(codec) }) {
                kept[codec.payloadType] = capability
            }
        }
        return all.compactMap { codec in
            if codec.isRTX {
                guard let apt = codec.associatedPayloadType, let capability = kept[apt], capability.rtx else { return nil }
                var rtx = codec
                rtx.feedback = []
                return rtx
            }
            return kept[codec.payloadType].map { $0.answer(for: codec) }
        }
    }
}
