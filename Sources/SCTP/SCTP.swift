// SCTP: WebRTC data channels (RFC 8831/8832) over usrsctp in AF_CONN mode. `SCTPAssociation`
// feeds usrsctp the packets DTLS decrypted and hands back the packets it wants sent, whole
// messages and association events; `DataChannels` is the DCEP state machine on top (pure, no
// usrsctp). What it does not do: own a socket, a DTLS session or a thread of its own — usrsctp's
// timer thread may produce output at any time, and the association then asks its owner (`wake`)
// to drain on the owner's loop.
