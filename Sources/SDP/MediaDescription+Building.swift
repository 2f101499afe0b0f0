// Builders shared by the answerer and the offerer: the lines every section we write carries.

extension MediaDescription {
    /// ICE credentials, fingerprints and setup role.
    mutating func appendTransport(_ local: LocalTransport, setup: SetupRole) {
        attributes.append(Attribute("ice-ufrag", local.iceUfrag))
        attributes.append(Attribute("ice-pwd", local.icePwd))
        for f in local.fingerprints { append(f) }
        attributes.append(Attribute("setup", setup.rawValue))
    }

    /// FID group and ssrc lines for a track we send (its msid line goes before rtcp-mux, as
    /// browsers write it); the RTX SSRC only when RTX was negotiated.
    mutating func appendSSRCs(of stream: OutgoingStream, withRTX: Bool) {
        var ssrcs = [stream.ssrc]
        if withRTX, let rtx = stream.rtxSSRC {
            append(SSRCGroup.fid(media: stream.ssrc, rtx: rtx))
            ssrcs.append(rtx)
        }
        for ssrc in ssrcs {
            append(SSRCAttribute(ssrc: ssrc, attribute: "cname", value: stream.cname))
            append(SSRCAttribute(ssrc: ssrc, attribute: "msid", value: "\(stream.streamID) \(stream.trackID)"))
        }
    }

    /// Our candidates, then end-of-candidates: an ICE-lite server knows them all up front.
    mutating func appendCandidates(_ local: LocalTransport) {
        for c in local.candidates { append(c) }
        attributes.append(Attribute("end-of-candidates"))
    }
}
