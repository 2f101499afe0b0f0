// RTP-level accessors and builders of a media section: codecs, RTX, SSRCs, rid and simulcast.

extension MediaDescription {
    /// The section's codecs in m= line order, each gathered from its rtpmap, fmtp and rtcp-fb
    /// lines (`rtcp-fb:*` applies to all). Payload types without an rtpmap are left out unless
    /// they are well-known static ones (PCMU, PCMA, G722, CN).
    public var codecs: [Codec] {
        guard isRTP else { return [] }
        var maps = [RTPMap?](repeating: nil, count: 128)
        var params = [[Parameter]?](repeating: nil, count: 128)
        var feedback = [[RTCPFeedbackType]](repeating: [], count: 128)
        var wildcard: [RTCPFeedbackType] = []
        for a in attributes {
            switch a.name {
            case RTPMap.attributeName:
                if let m = try? RTPMap(parsing: a.value ?? ""), maps[Int(m.payloadType)] == nil {
                    maps[Int(m.payloadType)] = m
                }
            case FormatParameters.attributeName:
                if let f = try? FormatParameters(parsing: a.value ?? ""), let pt = f.payloadType, params[Int(pt)] == nil {
                    params[Int(pt)] = f.parameters
                }
            case RTCPFeedback.attributeName:
                if let fb = try? RTCPFeedback(parsing: a.value ?? "") {
                    if let pt = fb.payloadType { feedback[Int(pt)].append(fb.feedback) } else { wildcard.append(fb.feedback) }
                }
            default: break
            }
        }
        var out: [Codec] = []
        var seen = Set<UInt8>()
        for format in formats {
            guard let pt = SDPText.payloadType(format), seen.insert(pt).inserted else { continue }
            var codec: Codec
            if let map = maps[Int(pt)] {
                codec = Codec(payloadType: pt, name: map.encodingName, clockRate: map.clockRate, channels: map.channels)
            } else if let known = Codec.staticPayloadType(pt) {
                codec = known
            } else {
                continue
            }
            codec.parameters = params[Int(pt)] ?? []
            codec.feedback = feedback[Int(pt)] + wildcard.filter { !feedback[Int(pt)].contains($0) }
            out.append(codec)
        }
        return out
    }

    public func codec(payloadType: UInt8) -> Codec? { codecs.first { $0.payloadType == payloadType } }

    /// The RTX payload type repairing `payloadType` (the rtx codec whose `apt` points at it).
    public func rtxPayloadType(for payloadType: UInt8) -> UInt8? {
        codecs.first { $0.isRTX && $0.associatedPayloadType == payloadType }?.payloadType
    }

    /// Replaces the section's payload types and their rtpmap/fmtp/rtcp-fb lines with `codecs`.
    /// The new codec lines go where the first old one was (or at the end).
    public mutating func setCodecs(_ codecs: [Codec]) {
        let codecNames: Set<String> = [RTPMap.attributeName, FormatParameters.attributeName, RTCPFeedback.attributeName]
        let insertAt = attributes.firstIndex { codecNames.contains($0.name) }
        attributes.removeAll { codecNames.contains($0.name) }
        let position = Swift.min(insertAt ?? attributes.count, attributes.count)
        attributes.insert(contentsOf: codecs.flatMap(\.attributes), at: position)
        formats = codecs.map { String($0.payloadType) }
    }

    // MARK: SSRCs

    public var ssrcAttributes: [SSRCAttribute] { values(SSRCAttribute.self) }

    public var ssrcGroups: [SSRCGroup] { values(SSRCGroup.self) }

    /// Distinct SSRCs announced by a=ssrc lines, in first-seen order.
    public var ssrcs: [UInt32] {
        var seen = Set<UInt32>()
        return ssrcAttributes.compactMap { seen.insert($0.ssrc).inserted ? $0.ssrc : nil }
    }

    /// The RTX SSRC paired with `ssrc` by an `a=ssrc-group:FID`.
    public func rtxSSRC(for ssrc: UInt32) -> UInt32? {
        ssrcGroups.first { $0.semantics == "FID" && $0.ssrcs.count == 2 && $0.ssrcs[0] == ssrc }?.ssrcs[1]
    }

    /// The `cname` announced for `ssrc`.
    public func cname(for ssrc: UInt32) -> String? {
        ssrcAttributes.first { $0.ssrc == ssrc && $0.attribute == "cname" }?.value
    }

    // MARK: rid and simulcast

    public var rids: [RIDDescription] { values(RIDDescription.self) }

    public var simulcast: Simulcast? { value(Simulcast.self) }
}
