import DTLS
import ICE
import SDP
import SFU

/// Our end of a session's transport, as written into every description of that session.
struct LocalIdentity: Sendable, Equatable {
    var credentials: ICECredentials
    var fingerprint: SDPFingerprint
    /// The addresses in our host candidates (the announce addresses), most preferred first.
    var candidateAddresses: [String]
    /// The UDP port of the loop that owns the session's room.
    var port: UInt16
    /// Whether the loop listens for ICE-TCP on the same port number.
    var tcp: Bool = false
    var sessionID: UInt64

    init(credentials: ICECredentials, fingerprint: SDPFingerprint, candidateAddresses: [String], port: UInt16,
         tcp: Bool = false, sessionID: UInt64) {
        self.credentials = credentials
        self.fingerprint = fingerprint
        self.candidateAddresses = candidateAddresses
        self.port = port
        self.tcp = tcp
        self.sessionID = sessionID
    }

    /// One UDP host candidate per address, then (with TCP) one passive TCP candidate per
    /// address, ranked below every UDP one: a client tries TCP only when UDP fails.
    var candidates: [SDPCandidate] {
        var out: [SDPCandidate] = []
        for (rank, address) in candidateAddresses.enumerated() {
            out.append(.host(foundation: "\(rank + 1)", address: address, port: port,
                             localPreference: UInt32(65535 - min(rank, 1000))))
        }
        guard tcp else { return out }
        for (rank, address) in candidateAddresses.enumerated() {
            out.append(.passiveTCP(foundation: "\(candidateAddresses.count + rank + 1)", address: address, port: port,
                                   otherPreference: UInt32(8191 - min(rank, 1000))))
        }
        return out
    }

    var transport: LocalTransport {
        LocalTransport(iceUfrag: credentials.ufrag, icePwd: credentials.password, fingerprints: [fingerprint],
                       iceLite: true, candidates: candidates, originAddress: candidateAddresses.first ?? "0.0.0.0")
    }
}

/// Everything a client offer (first or renegotiated) decides.
struct ClientOfferOutcome: Sendable {
    var answer: SessionDescription
    /// The session's sections after this exchange, in m-line order.
    var sections: [SectionState]
    /// Sections that start publishing (index into `sections`, plan).
    var publishes: [(index: Int, plan: PublishPlan)]
    /// Room tracks the client stopped feeding.
    var unpublishes: [TrackID]
    /// Sections bound to a room track by this answer (WHEP), to subscribe now.
    var newSends: [Int]
    var remoteCredentials: ICECredentials
    var remoteFingerprint: DTLSFingerprint
    var dtlsRole: DTLSRole
    /// Header-extension ids the client uses for MID and RID (learning unannounced SSRCs).
    var midExtensionID: UInt8?
    var ridExtensionID: UInt8?
    var repairedRIDExtensionID: UInt8?
}

/// Offer/answer for one session as pure functions of SDP values, the session's negotiated
/// sections and the room's tracks: who may send what (roles), which section carries which room
/// track, and what the client publishes. The loop applies the outcome to the room.
enum SessionNegotiator {
    /// What we receive and forward: Opus, VP8 and H.264, with RTX for video.
    static let capabilities: [CodecCapability] = [.opus, .vp8, .h264]
    static let cname = "chobi"
    /// The largest data channel message we take (our `a=max-message-size`).
    static let maxMessageSize = 262_144

    /// Answers a client offer. `existing` is the session's negotiated state (empty for a new
    /// session); `available` the room tracks a WHEP session may be given.
    static func answer(offer: SessionDescription, role: RoomRole, intent: PeerIntent, identity: LocalIdentity,
                       version: UInt64, existing: [SectionState], available: [RoomTrackSnapshot],
                       random: inout some RandomNumberGenerator) throws(MediaPlaneError) -> ClientOfferOutcome {
        let mayPublish = role.canPublish && intent != .watch
        if role == .viewer, intent == .publish { throw .forbidden("a viewer cannot publish") }
        if role == .viewer {
            for m in offer.media where m.isRTP && !m.isRejected && m.direction.sends && carriesTracks(m) {
                throw .forbidden("a viewer cannot send media (section \(m.mid ?? "?"))")
            }
        }
        guard offer.media.count >= existing.count else {
            throw .badOffer("the offer drops negotiated sections (\(offer.media.count) < \(existing.count))")
        }
        for (index, section) in existing.enumerated() where offer.media[index].mid != section.mid {
            throw .badOffer("section \(index) must keep mid \(section.mid)")
        }

        // Which room track each new receiving section of a WHEP session gets.
        var policies: [String: MediaAnswerPolicy] = [:]
        var bindings: [Int: SendBinding] = [:]
        var taken = Set(existing.compactMap(\.sentTrack))
        // One SCTP association per session (BUNDLE): the first data channel section carries it.
        var dataChannelMid = existing.first { if case .dataChannel = $0.usage { true } else { false } }?.mid
        for (index, m) in offer.media.enumerated() {
            guard let mid = m.mid else { continue }
            switch m.kind {
            case .audio, .video: break
            case .application:
                if dataChannelMid == nil, index >= existing.count, m.isDataChannel, !m.isRejected { dataChannelMid = mid }
                if mid != dataChannelMid { policies[mid] = .reject }
                continue
            case .other:
                policies[mid] = .reject
                continue
            }
            if index < existing.count {
                if case .sending(let binding) = existing[index].usage, m.direction.receives {
                    policies[mid] = .accept(send: binding.stream)
                    bindings[index] = binding
                }
                continue
            }
            guard intent == .watch, m.direction.receives, !m.isRejected else { continue }
            guard let track = available.first(where: { t in
                !taken.contains(t.id) && t.sdpKind == m.kind
                    && m.codecs.contains { !$0.isRTX && t.codec.capability.matches($0) }
            }) else { continue }
            taken.insert(track.id)
            let binding = makeBinding(for: track, random: &random)
            policies[mid] = .accept(send: binding.stream)
            bindings[index] = binding
        }

        let configuration = AnswerConfiguration(transport: identity.transport, sessionID: identity.sessionID,
                                                sessionVersion: version, codecs: capabilities,
                                                maxMessageSize: UInt64(maxMessageSize))
        var answered: SDPAnswer
        do {
            answered = try SDPAnswerer(configuration: configuration).answer(to: offer, policies: policies)
        } catch {
            throw .badOffer("cannot answer: \(error)")
        }
        guard let remote = answered.remoteTransport, let ufrag = remote.iceUfrag, let pwd = remote.icePwd else {
            throw .badOffer("no media section can be accepted")
        }
        let remoteCredentials: ICECredentials
        do {
            remoteCredentials = try ICECredentials(ufrag: ufrag, password: pwd)
        } catch {
            throw .badOffer("invalid ICE credentials: \(error)")
        }
        let fingerprint = try remoteFingerprint(remote)

        // Viewers and WHEP sessions never receive: turn our receive side off in the answer.
        if !mayPublish {
            for i in answered.media.indices where answered.media[i].isAccepted && answered.description.media[i].isRTP {
                let d = answered.media[i].direction
                let direction = MediaDirection(sends: d.sends, receives: false)
                answered.media[i].direction = direction
                answered.description.media[i].direction = direction
            }
        }

        var sections: [SectionState] = []
        var publishes: [(index: Int, plan: PublishPlan)] = []
        var unpublishes: [TrackID] = []
        var newSends: [Int] = []
        let midID = extensionID(HeaderExtensionURI.mid, in: answered.media)
        let ridID = extensionID(HeaderExtensionURI.rtpStreamID, in: answered.media)
        let repairedID = extensionID(HeaderExtensionURI.repairedRTPStreamID, in: answered.media)
        for (index, n) in answered.media.enumerated() {
            let offered = offer.media[index]
            let previous = index < existing.count ? existing[index] : nil
            var state = SectionState(mid: n.mid ?? offered.mid ?? "", kind: n.kind, codecs: n.codecs,
                                     headerExtensions: n.headerExtensions, usage: .idle)
            if !n.isAccepted {
                state.usage = .rejected
            } else if n.kind == .application {
                state.usage = .dataChannel(remotePort: offered.sctpPort ?? 5000)
            } else if n.direction.sends, var binding = bindings[index], let codec = codec(of: binding.trackID, available, previous) {
                let types = payloadTypes(for: codec, in: n.codecs)
                binding.payloadType = types?.media
                binding.rtxPayloadType = types?.rtx
                state.usage = types == nil ? .idle : .sending(binding)
                if types != nil, previous?.sentTrack == nil { newSends.append(index) }
            } else if n.direction.receives {
                if let track = previous?.receivedTrack {
                    state.usage = .receiving(track)
                } else {
                    state.usage = .receiving(nil)
                    let plan = try publishPlan(offered: offered, negotiated: n, midExtensionID: midID, ridExtensionID: ridID,
                                               repairedRIDExtensionID: repairedID)
                    publishes.append((index, plan))
                }
            }
            if let track = previous?.receivedTrack, state.receivedTrack != track { unpublishes.append(track) }
            sections.append(state)
        }
        let role: DTLSRole = answered.dtlsRole == .active ? .client : .server
        return ClientOfferOutcome(answer: answered.description, sections: sections, publishes: publishes,
                                  unpublishes: unpublishes, newSends: newSends, remoteCredentials: remoteCredentials,
                                  remoteFingerprint: fingerprint, dtlsRole: role, midExtensionID: midID,
                                  ridExtensionID: ridID,
                                  repairedRIDExtensionID: repairedID)
    }

    // MARK: server offers (interactive sessions)

    /// A section that sends `track`: codecs of a section of the same kind when there is one
    /// (bundled sections must agree on payload types), else fresh ones around those in use.
    static func sendSection(for track: RoomTrackSnapshot, existing: [SectionState],
                            random: inout some RandomNumberGenerator) -> SectionState {
        let kind = track.sdpKind
        let codecs: [Codec]
        if let sibling = existing.first(where: { $0.kind == kind && !$0.codecs.isEmpty && !$0.isRejected }) {
            codecs = sibling.codecs
        } else {
            let used = Set(existing.flatMap { $0.codecs.map(\.payloadType) })
            codecs = SDPOfferer.codecs(for: capabilities.filter { $0.kind == kind }, reserved: used)
        }
        var number = existing.count
        var mid = "s\(number)"
        while existing.contains(where: { $0.mid == mid }) {
            number += 1
            mid = "s\(number)"
        }
        return SectionState(mid: mid, kind: kind, codecs: codecs,
                            headerExtensions: sendExtensions(for: kind, existing: existing),
                            usage: .sending(makeBinding(for: track, random: &random)))
    }

    /// Header extensions a section we send offers: our own abs-send-time and transport-wide
    /// number (the viewer's estimator and ours read them) and what we pass through from
    /// publishers. Ids the session already uses for a URI are kept (one table per bundle);
    /// new URIs take the lowest id free in the one-byte range.
    static func sendExtensions(for kind: SDP.MediaKind, existing: [SectionState]) -> [ExtensionMap] {
        var common = [HeaderExtensionURI.absSendTime, HeaderExtensionURI.transportWideCC, HeaderExtensionURI.absCaptureTime]
        common += kind == .audio ? [HeaderExtensionURI.audioLevel]
                                 : [HeaderExtensionURI.playoutDelay, HeaderExtensionURI.videoOrientation]
        var table: [String: UInt16] = [:]
        for section in existing where !section.isRejected {
            for e in section.headerExtensions where table[e.uri] == nil { table[e.uri] = e.id }
        }
        var used = Set(table.values)
        var out: [ExtensionMap] = []
        for uri in common {
            if let id = table[uri] {
                out.append(ExtensionMap(id: id, uri: uri))
                continue
            }
            guard let free = (1...14).lazy.map(UInt16.init).first(where: { !used.contains($0) }) else { break }
            used.insert(free)
            out.append(ExtensionMap(id: free, uri: uri))
        }
        return out
    }

    /// Our offer for the session's sections, in order. Rejected sections keep their place with
    /// port 0 and leave the BUNDLE group.
    static func offer(sections: [SectionState], identity: LocalIdentity, version: UInt64) throws(MediaPlaneError) -> SessionDescription {
        let offerSections = sections.map { s -> SDPOfferer.Section in
            var codecs = s.codecs
            if codecs.isEmpty, s.kind == .audio || s.kind == .video {
                codecs = SDPOfferer.codecs(for: capabilities.filter { $0.kind == s.kind })
            }
            switch s.usage {
            case .dataChannel:
                return .dataChannel(mid: s.mid)
            case .rejected where s.kind == .application || !(s.kind == .audio || s.kind == .video):
                return .dataChannel(mid: s.mid)
            case .rejected, .idle:
                return .init(mid: s.mid, kind: s.kind, direction: .inactive, codecs: codecs, headerExtensions: s.headerExtensions)
            case .receiving:
                return .init(mid: s.mid, kind: s.kind, direction: .recvonly, codecs: codecs, headerExtensions: s.headerExtensions)
            case .sending(let binding):
                return .init(mid: s.mid, kind: s.kind, direction: .sendonly, codecs: codecs,
                             headerExtensions: s.headerExtensions, stream: binding.stream)
            }
        }
        var description: SessionDescription
        do {
            description = try SDPOfferer(transport: identity.transport, maxMessageSize: UInt64(maxMessageSize))
                .offer(sections: offerSections, sessionID: identity.sessionID, sessionVersion: version)
        } catch {
            throw .unavailable("cannot build an offer: \(error)")
        }
        let rejected = Set(sections.filter(\.isRejected).map(\.mid))
        guard !rejected.isEmpty else { return description }
        for i in sections.indices where sections[i].isRejected { description.media[i].port = 0 }
        if let g = description.attributes.firstIndex(where: { $0.name == MediaGroup.attributeName }) {
            let kept = sections.map(\.mid).filter { !rejected.contains($0) }
            description.attributes[g] = MediaGroup.bundle(kept).attribute
        }
        return description
    }

    /// Reads the client's answer to our `offer` of `sections`: sending sections learn their
    /// payload types (or fall idle when refused).
    static func readAnswer(_ answer: SessionDescription, to offer: SessionDescription, sections: [SectionState],
                           identity: LocalIdentity, tracks: [RoomTrackSnapshot],
                           expectedRole: DTLSRole) throws(MediaPlaneError) -> [SectionState] {
        let agreed: SDPAnswer
        do {
            agreed = try SDPOfferer(transport: identity.transport).readAnswer(answer, to: offer)
        } catch {
            throw .badOffer("answer does not fit our offer: \(error)")
        }
        let role: DTLSRole = agreed.dtlsRole == .active ? .client : .server
        guard role == expectedRole else { throw .badOffer("the answer changes the DTLS role") }
        var out = sections
        for (index, n) in agreed.media.enumerated() where index < out.count {
            guard n.isAccepted else {
                out[index].usage = .rejected
                continue
            }
            out[index].codecs = n.codecs
            out[index].headerExtensions = n.headerExtensions
            guard case .sending(var binding) = out[index].usage else { continue }
            guard n.direction.sends, let track = tracks.first(where: { $0.id == binding.trackID }),
                  let types = payloadTypes(for: track.codec, in: n.codecs) else {
                out[index].usage = .idle
                continue
            }
            binding.payloadType = types.media
            binding.rtxPayloadType = types.rtx
            out[index].usage = .sending(binding)
        }
        return out
    }

    // MARK: pieces

    /// Whether an offered section announces a track (msid, SSRCs or simulcast layers).
    static func carriesTracks(_ m: MediaDescription) -> Bool {
        !m.msids.isEmpty || !m.ssrcAttributes.isEmpty || m.simulcast != nil || !m.rids.isEmpty
    }

    static func makeBinding(for track: RoomTrackSnapshot, random: inout some RandomNumberGenerator) -> SendBinding {
        let ssrc = UInt32.random(in: 1...UInt32.max, using: &random)
        var rtx = UInt32.random(in: 1...UInt32.max, using: &random)
        while rtx == ssrc { rtx = UInt32.random(in: 1...UInt32.max, using: &random) }
        let stream = OutgoingStream(streamID: track.streamID, trackID: track.name, ssrc: ssrc, rtxSSRC: rtx, cname: cname)
        return SendBinding(trackID: track.id, stream: stream)
    }

    /// The viewer's payload type for `codec` among its agreed codecs, with its RTX type.
    static func payloadTypes(for codec: CodecKind, in codecs: [Codec]) -> (media: UInt8, rtx: UInt8?)? {
        guard let media = codecs.first(where: { !$0.isRTX && codec.capability.matches($0) }) else { return nil }
        let rtx = codecs.first { $0.isRTX && $0.associatedPayloadType == media.payloadType }
        return (media.payloadType, rtx?.payloadType)
    }

    /// Builds what the room needs to publish one offered section we receive.
    static func publishPlan(offered m: MediaDescription, negotiated n: NegotiatedMedia, midExtensionID: UInt8?,
                            ridExtensionID: UInt8?, repairedRIDExtensionID: UInt8? = nil) throws(MediaPlaneError) -> PublishPlan {
        let mid = n.mid ?? "?"
        guard let primary = n.codecs.first(where: { !$0.isRTX }), let codec = CodecKind(codec: primary) else {
            throw .badOffer("section \(mid) has no codec we forward")
        }
        let rtxType = n.codecs.first { $0.isRTX && $0.associatedPayloadType == primary.payloadType }?.payloadType
        let rid = n.receiveRIDs.first
        var ssrc: UInt32?
        var rtxSSRC: UInt32?
        if rid == nil || !m.ssrcGroups.filter({ $0.semantics == "SIM" }).isEmpty {
            let repair = Set(m.ssrcGroups.filter { $0.semantics == "FID" && $0.ssrcs.count == 2 }.map { $0.ssrcs[1] })
            ssrc = m.ssrcGroups.first { $0.semantics == "SIM" }?.ssrcs.first ?? m.ssrcs.first { !repair.contains($0) }
            if rtxType != nil { rtxSSRC = ssrc.flatMap(m.rtxSSRC(for:)) }
        }
        if ssrc == nil {
            if rid != nil {
                guard ridExtensionID != nil else {
                    throw .badOffer("section \(mid) sends simulcast without the rtp-stream-id extension")
                }
            } else if midExtensionID == nil {
                throw .badOffer("section \(mid) has neither a=ssrc nor the sdes:mid extension")
            }
        }
        let method: TrackDescriptor.KeyframeRequestMethod =
            primary.feedback.contains(.pli) || !primary.feedback.contains(.fir) ? .pli : .fir
        var plan = PublishPlan(mid: mid, codec: codec, payloadType: primary.payloadType, clockRate: primary.clockRate,
                               ssrc: ssrc, rtxSSRC: rtxSSRC,
                               // rid layers learn their RTX SSRC from the repaired-rid extension.
                               rtxPayloadType: rtxSSRC != nil || (ssrc == nil && repairedRIDExtensionID != nil) ? rtxType : nil,
                               rid: ssrc == nil ? rid : nil, keyframeRequestMethod: method,
                               acceptsNACK: primary.feedback.contains(.nack))
        // The other simulcast layers: by rid (SSRCs learned from packets) or by SIM group SSRC.
        let sim = m.ssrcGroups.first { $0.semantics == "SIM" }?.ssrcs ?? []
        if sim.count > 1 {
            for layer in sim.dropFirst().prefix(SimulcastLimits.maxLayers - 1) {
                var extra = plan
                extra.ssrc = layer
                extra.rtxSSRC = rtxType == nil ? nil : m.rtxSSRC(for: layer)
                extra.rtxPayloadType = extra.rtxSSRC == nil ? nil : rtxType
                plan.moreLayers.append(extra)
            }
        } else if ssrc == nil, n.receiveRIDs.count > 1 {
            for layerRID in n.receiveRIDs.dropFirst().prefix(SimulcastLimits.maxLayers - 1) {
                var extra = plan
                extra.rid = layerRID
                plan.moreLayers.append(extra)
            }
        }
        return plan
    }

    static func extensionID(_ uri: String, in media: [NegotiatedMedia]) -> UInt8? {
        for n in media where n.isAccepted {
            if let id = n.extensionID(uri), id >= 1, id <= 255 { return UInt8(id) }
        }
        return nil
    }

    private static func codec(of track: TrackID, _ available: [RoomTrackSnapshot], _ previous: SectionState?) -> CodecKind? {
        if let t = available.first(where: { $0.id == track }) { return t.codec }
        // A renegotiation keeps sending a track the snapshot may no longer list: reuse its types.
        if case .sending(let b)? = previous?.usage, b.payloadType != nil,
           let codec = previous?.codecs.first(where: { $0.payloadType == b.payloadType }) {
            return CodecKind(codec: codec)
        }
        return nil
    }

    private static func remoteFingerprint(_ remote: TransportParameters) throws(MediaPlaneError) -> DTLSFingerprint {
        for f in remote.fingerprints {
            if let parsed = try? DTLSFingerprint(sdpValue: f.attributeValue) { return parsed }
        }
        throw .badOffer("no usable DTLS fingerprint")
    }
}
