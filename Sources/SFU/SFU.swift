// SFU: the pure logic of a selective forwarding unit.
//
// What it does: a `Room` ▸ `Participant` ▸ `PublishedTrack` ▸ `Subscription` object model that
// takes plaintext RTP/RTCP bytes and time in, and gives rewritten-packet decisions, RTCP bytes,
// events and the next deadline out. Per published track it unwraps sequence numbers and
// timestamps on arrival (`InboundStream`), caches packets for NACK answers (`PacketCache`) and the
// latest keyframe for new viewers (`KeyframeCache`), asks the publisher for lost packets
// (`NackGenerator`) and keyframes (`KeyframeRequester`), and reports reception
// (`ReceiveStreamStatistics`, `ReceiverReportGenerator`). Per subscription a `Forwarder` decides,
// as a value, how each packet is rewritten (SSRC, sequence number, timestamp, payload type, VP8
// picture ids) so every viewer sees one continuous stream across drops, pauses and source changes,
// and keeps the reverse map that turns a viewer's NACK back into a cached packet (`RTXEncoder`
// for RFC 4588 retransmissions). `SenderReportRewriter` maps the publisher's SRs per viewer.
//
// Simulcast layers are tracks of one group (`Room.layers(of:)`); each viewer follows one layer
// and switches at a keyframe (`Subscription`). Per viewer, `BitrateAllocator` shares the
// bandwidth the transport estimates (`Room.setAvailableBitrate`) across its tracks — audio, then
// the active speakers' video (`ActiveSpeakerDetector`), then the rest — and `LayerSelector` turns
// allocations into switches, pauses and resumes with hysteresis.
//
// What it does not: no sockets, clocks, threads, SRTP, ICE/DTLS, SDP negotiation, header
// extension id rewriting or bandwidth estimation (the `Congestion` module estimates; the
// transport feeds the room its figures). A room lives on one event loop: nothing here locks, awaits or allocates per
// forwarded packet; buffers are sized when a track or subscription is created.
