// MediaTransport: the UDP side of the SFU.
//
// What it does: one UDP socket per event loop (`MediaLoop`), each owning the rooms assigned to it
// and their peers; RFC 7983 demux of every datagram; routing by 5-tuple, or, for STUN from an
// unknown address, by the ufrag in its USERNAME (bound only after the ICE agent validates the
// check); per session a `PeerConnection` that glues ICE-lite, DTLS and SRTP to the peer's SFU
// `Participant`; the egress path the SFU calls (`EgressSink`): copy into a pooled slab, strip
// header extensions, rewrite, protect, queue, one flush (sendmmsg) per read batch; one timer per
// loop at the earliest deadline of everything it owns; and `MediaTransportService`, the
// `MediaPlane` signaling talks to (offer/answer, server offers for interactive sessions).
//
// What it does not: no SCTP/data channels (application sections are rejected), no TCP/TURN, no
// congestion control or simulcast layer switching (a simulcast publisher's first rid is
// forwarded), no header-extension id rewriting (forwarded packets carry none). Protocol logic
// stays in the sans-I/O modules; this module only moves bytes and time between them.
