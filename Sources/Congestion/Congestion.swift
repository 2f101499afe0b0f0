// Congestion: how fast to send, as pure arithmetic over packets, feedback and time.
//
// What it does. Towards publishers, the SFU is the receiver: `TransportFeedbackBuilder` turns
// arrival times of transport-wide sequence numbers into RTCP transport-wide feedback (RTPFB 15)
// so the publisher's own estimator (GoogCC in browsers) can ramp; `RemoteBitrateEstimator` turns
// abs-send-time into a REMB bitrate for publishers without transport-cc; `IngressRateMeter` keeps
// the SFU's own view of what each published stream sends (the allocator reads it). Towards viewers, the SFU is the sender:
// `SendSideBandwidthEstimator` reads the viewer's transport-wide feedback, REMB or receiver-report
// loss into one target bitrate (delay-based and loss-based), `ProbeController` plans probes for
// headroom, and `PacingBudget` says how many bytes may go now.
//
// What it does not. No sockets, clocks, threads or RTP rewriting: callers pass time in and send
// what comes out. Nothing here decides layers or pauses; the SFU's allocator reads the estimate.
// Per-packet calls never allocate: storage is sized when an estimator is made.
