// MediaTransport: the UDP side of the SFU.
//
// What it does: one UDP socket per event loop (`MediaLoop`), each owning the rooms assigned to it
// and their peers; RFC 7983 demux of every datagram; routing by 5-tuple, or, for STUN from an
// unknown address, by the ufrag in its USERNAME (bound only after the ICE agent validates the
// check); per session a `PeerConnection` that glues ICE-lite, DTLS and SRTP to the peer's SFU
// `Participant`, SCTP data channels and room chat, and the congestion state of the peer (the
// transport-wide feedback or REMB it gets as a publisher, the send-side estimate the room
// allocates as a viewer); the egress path the SFU calls (`EgressSink`): copy into a pooled slab
// translating header extensions to the viewer's ids with our own abs-send-time and transport-wide
// number, rewrite, protect, queue, one flush (sendmmsg) per read batch; one timer per loop at the
// earliest deadline of everything it owns; and `MediaTransportService`, the `MediaPlane`
// signaling talks to (offer/answer, server offers for interactive sessions).
//
// What it does not: no TCP/TURN, no layer choice (the SFU's allocator decides; this module hands
// it estimates). Protocol logic stays in the sans-I/O modules; this module only moves bytes and
// time between them.
