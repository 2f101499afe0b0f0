// CUsrsctpShims: the C side of our usrsctp use. usrsctp's socket API wants unions by value,
// variable-length notification structs and a dozen socket options set in the right order; this
// file turns that into a few calls with plain arguments, so Swift never touches a `struct socket`
// option or a notification layout. Policy (which channels, what to relay) lives in Swift.
#ifndef CHOBI_USRSCTP_H
#define CHOBI_USRSCTP_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

/// The errno of a full send buffer, for Swift (which cannot see errno.h's macros portably).
enum { CHOBI_SCTP_EAGAIN = EAGAIN };

/// Where usrsctp's packets and upcalls go. `conn` is the association's id (the AF_CONN address
/// we registered); the functions may be called from the SCTP timer thread.
typedef void (*chobi_sctp_output_fn)(uintptr_t conn, const void *packet, size_t length);

/// What a receive upcall carries.
enum chobi_sctp_upcall_kind {
    CHOBI_SCTP_DATA = 0,         // a (part of a) message: sid, ppid, bytes, end_of_record
    CHOBI_SCTP_UP = 1,           // the association is established
    CHOBI_SCTP_DOWN = 2,         // lost, shut down or never established
    CHOBI_SCTP_STREAM_RESET = 3, // the peer reset its outgoing stream `sid` (a channel closed)
};
typedef void (*chobi_sctp_upcall_fn)(uintptr_t conn, int kind, uint16_t sid, uint32_t ppid,
                                     const void *data, size_t length, int end_of_record);

/// Starts usrsctp once per process (later calls do nothing) with these two sinks: without its
/// own threads (no raw SCTP sockets), plus one thread of ours that runs its timers.
void chobi_sctp_start(chobi_sctp_output_fn output, chobi_sctp_upcall_fn upcall);

/// A one-to-one AF_CONN socket for association `conn` bound to `local_port`, non-blocking, with
/// stream reset, no Nagle, the notifications we use, `streams` streams each way and path MTU
/// discovery off (fixed `mtu`, as WebRTC does over DTLS). NULL when usrsctp refuses.
struct socket *chobi_sctp_open(uintptr_t conn, uint16_t local_port, uint16_t streams, uint32_t mtu);

/// Starts the handshake towards `remote_port` (both WebRTC ends connect). 0 or an errno.
int chobi_sctp_connect(struct socket *sock, uintptr_t conn, uint16_t remote_port);

/// One packet from the peer (already out of DTLS).
void chobi_sctp_input(uintptr_t conn, const void *packet, size_t length);

/// Sends one message. `max_retransmits` / `max_lifetime_ms` < 0 mean unlimited (reliable).
/// Returns the bytes queued or -errno (EAGAIN: the send buffer is full).
long chobi_sctp_send(struct socket *sock, uint16_t sid, uint32_t ppid, const void *data, size_t length,
                     int unordered, long max_retransmits, long max_lifetime_ms);

/// Resets our outgoing stream `sid` (closes a channel, RFC 8831 §6.7). 0 or an errno.
int chobi_sctp_reset_stream(struct socket *sock, uint16_t sid);

/// Aborts and frees the socket and forgets the address; no upcall for `conn` follows.
void chobi_sctp_close(struct socket *sock, uintptr_t conn);

#endif
