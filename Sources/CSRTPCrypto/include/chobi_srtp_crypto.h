// CSRTPCrypto: libsrtp2's cipher and auth types re-implemented over OpenSSL's EVP and SHA-1.
//
// Why: Debian builds libsrtp2 against NSS, whose one-shot calls allocate on every packet
// (about five allocations per protect, measured) and cost most of the forwarding CPU.
// libsrtp2 lets an application replace a crypto type in its kernel (srtp_replace_cipher_type,
// srtp_replace_auth_type); libsrtp keeps doing SRTP itself — key derivation, rollover
// counters, replay windows, packet layout — and calls these types for the primitives only.
// Each type keeps its OpenSSL context for the stream's life, so a packet allocates nothing.
//
// What it is not: not an SRTP implementation, and not used for anything but libsrtp2.
#ifndef CHOBI_SRTP_CRYPTO_H
#define CHOBI_SRTP_CRYPTO_H

#include <stdint.h>

/// Replaces libsrtp's AES-ICM (128, 256), AES-GCM (128, 256) and HMAC-SHA1 types with the
/// OpenSSL-backed ones. libsrtp runs each type's known-answer self-test, and the test vectors
/// of the type it replaces, before accepting it. Call once, after srtp_init().
/// Returns 0 (srtp_err_status_ok) or the first libsrtp status that refused a type.
int chobi_srtp_crypto_install(void);

/// How many encrypt/decrypt/MAC operations the installed types ran on the calling thread;
/// lets a test prove that libsrtp really calls them (thread-local, so no shared cache line
/// on the packet path).
uint64_t chobi_srtp_crypto_thread_operations(void);

#endif
