/// What the transport implements to send what the room decides. Called synchronously from
/// inside `Room.handleRTP`/`handleRTCP`/`handleTimeout`/`subscribe`, on the room's event loop.
///
/// `forward` is the per-packet path: it carries the source bytes (the publisher's plaintext
/// packet, or a cached copy for a retransmission or keyframe replay — valid only during the call)
/// and the rewrite, both without allocation. The transport copies the bytes into a pooled egress
/// buffer with at least `rewrite.growth` bytes of tail room, applies the rewrite
/// (`RTPRewrite.apply(to:length:)`), protects it with the viewer's SRTP session and queues it.
/// A sink must not call back into the room.
public protocol EgressSink: AnyObject {
    /// Send the packet in `source`, rewritten by `rewrite`, to `participant`.
    func forward(to participant: ParticipantID, source: UnsafeRawBufferPointer, rewrite: RTPRewrite)
    /// Send the RTCP bytes to `participant` (valid only during the call; SRTCP-protect a copy).
    func sendRTCP(to participant: ParticipantID, bytes: UnsafeRawBufferPointer)
}
