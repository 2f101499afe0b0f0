// RTP: the per-packet wire formats of a WebRTC media plane.
//
// What it does: zero-copy views of RTP headers (RFC 3550) and header extensions (RFC 8285) over
// caller-owned buffers, in-place rewriters for what a forwarder changes per viewer, 16/32 → 64-bit
// unwrappers for sequence numbers and timestamps, RTCP parse/build (SR, RR, SDES, BYE, NACK, PLI,
// FIR, REMB, transport-wide CC, unknown types kept raw), and codec payload helpers (VP8 payload
// descriptor, H.264 NAL units, Opus TOC) that answer "is this a keyframe" and "which picture".
//
// What it does not: no sockets, clocks, SRTP, jitter buffers, depacketization into frames, or
// congestion control. Parsers never trap and never allocate based on a length field from the
// network; every failure is an `RTPError` or `RTCPError`.
