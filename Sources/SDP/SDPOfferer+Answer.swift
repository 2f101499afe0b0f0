// Reading the peer's answer to an offer we made (JSEP 5.10 from the offerer's side).

extension SDPOfferer {
    /// Checks `answer` against the `offer` we sent and says what was agreed. Sections must match
    /// the offer one to one (same kind and mid); codecs are the answer's payload types that we
    /// offered; our DTLS role follows the answer's `setup` (active → we are passive).
    public func readAnswer(_ answer: SessionDescription, to offer: SessionDescription) throws(SDPError) -> SDPAnswer {
        guard answer.media.count == offer.media.count else {
            throw .invalidAnswer("answer has \(answer.media.count) sections, offer \(offer.media.count)")
        }
        var negotiated: [NegotiatedMedia] = []
        var remote: TransportParameters?
        var dtlsRole = SetupRole.passive
        for (index, (ours, theirs)) in zip(offer.media, answer.media).enumerated() {
            guard ours.kind == theirs.kind, ours.mid == theirs.mid else {
                throw .invalidAnswer("section \(index) does not match the offer (kind or mid)")
            }
            if theirs.port == 0, !theirs.isBundleOnly {
                negotiated.append(NegotiatedMedia(index: index, mid: ours.mid, kind: ours.kind, outcome: .rejected("rejected by the peer")))
                continue
            }
            guard let transport = answer.transport(forMediaAt: index), transport.iceUfrag != nil,
                  transport.icePwd != nil, !transport.fingerprints.isEmpty else {
                throw .invalidAnswer("section \(index) has no ICE credentials or fingerprint")
            }
            switch transport.setup {
            case .active?: dtlsRole = .passive
            case .passive?: dtlsRole = .active
            case .actpass?, .holdconn?, nil: throw .invalidAnswer("section \(index) must answer setup active or passive")
            }
            if remote == nil { remote = transport }
            let offeredTypes = Set(ours.codecs.map(\.payloadType))
            let codecs = theirs.codecs.filter { offeredTypes.contains($0.payloadType) }
            if ours.isRTP, !codecs.contains(where: { !$0.isRTX }) {
                throw .invalidAnswer("section \(index) accepts none of the offered codecs")
            }
            let offeredExtensions = ours.extensionMaps
            let extensions = theirs.extensionMaps.filter { e in offeredExtensions.contains { $0.id == e.id && $0.uri == e.uri } }
            negotiated.append(NegotiatedMedia(index: index, mid: ours.mid, kind: ours.kind, outcome: .accepted,
                                              direction: theirs.direction.reversed, codecs: codecs,
                                              headerExtensions: extensions))
        }
        return SDPAnswer(description: answer, media: negotiated, dtlsRole: dtlsRole, remoteTransport: remote)
    }
}
