// SCTP: WebRTC data channels (RFC 8831/8832) over usrsctp in AF_CONN mode. `SCTPAssociation`
// feeds usrsctp the packets DTLS decrypted and hands back the packets it wants sent, whole
// messages and association events; `DataChannels` is the DCEP state machine on top (pure, no
// usrsctp). What it does not do: own a socket or a DTLS session. usrsctp runs without its own
// threads (which would open raw SCTP sockets); one timer thread of ours runs its timers, whose
// output the association queues and asks its owner (`wake`) to drain on the owner's loop.
