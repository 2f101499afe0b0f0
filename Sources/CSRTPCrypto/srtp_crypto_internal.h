// Shared by the cipher and auth types of this target; not exported.
#ifndef CHOBI_SRTP_CRYPTO_INTERNAL_H
#define CHOBI_SRTP_CRYPTO_INTERNAL_H

#include <stdint.h>
#include <srtp2/srtp.h>
#include <srtp2/cipher.h>
#include <srtp2/auth.h>

extern _Thread_local uint64_t chobi_srtp_crypto_operations;

extern const srtp_cipher_type_t chobi_srtp_aes_icm_128;
extern const srtp_cipher_type_t chobi_srtp_aes_icm_256;
extern const srtp_cipher_type_t chobi_srtp_aes_gcm_128;
extern const srtp_cipher_type_t chobi_srtp_aes_gcm_256;
extern const srtp_auth_type_t chobi_srtp_hmac_sha1;

#endif
