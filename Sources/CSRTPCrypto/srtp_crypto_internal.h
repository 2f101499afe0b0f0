// Shared by the cipher and auth types of this target; not exported.
#ifndef CHOBI_SRTP_CRYPTO_INTERNAL_H
#define CHOBI_SRTP_CRYPTO_INTERNAL_H

#include <stdint.h>
#include <srtp2/srtp.h>
#include <srtp2/cipher.h>
#include <srtp2/auth.h>
#include <openssl/evp.h>

// The first member of every cipher state (evp_cipher_state.c allocates and frees them).
typedef struct {
    EVP_CIPHER_CTX *context;
    EVP_CIPHER *cipher;
} chobi_evp_state;

srtp_err_status_t chobi_evp_cipher_alloc(srtp_cipher_t **out, size_t state_size, const srtp_cipher_type_t *type,
                                         int algorithm, int key_length_with_salt, const char *openssl_name);
srtp_err_status_t chobi_evp_cipher_dealloc(srtp_cipher_t *cipher, size_t state_size);

extern _Thread_local uint64_t chobi_srtp_crypto_operations;

extern const srtp_cipher_type_t chobi_srtp_aes_icm_128;
extern const srtp_cipher_type_t chobi_srtp_aes_icm_256;
extern const srtp_cipher_type_t chobi_srtp_aes_gcm_128;
extern const srtp_cipher_type_t chobi_srtp_aes_gcm_256;
extern const srtp_auth_type_t chobi_srtp_hmac_sha1;

#endif
