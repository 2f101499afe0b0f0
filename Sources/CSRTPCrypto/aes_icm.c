// AES in integer counter mode (RFC 3711 §4.1.1) for libsrtp2, over OpenSSL's AES-CTR.
//
// libsrtp hands init() the session key followed by the 14-byte session salt, and set_iv() the
// 16-byte block (SSRC and packet index, or the KDF label); the counter is salt XOR that block.
// OpenSSL's CTR increments all 128 bits where RFC 3711 increments the low 16; the two agree
// for any packet under 2^16 blocks (1 MiB), far above an RTP packet and the KDF's outputs.
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include "srtp_crypto_internal.h"

#define ICM_SALT_LENGTH 14
#define ICM_BLOCK_LENGTH 16

// libsrtp's own known-answer vectors (exported by libsrtp2); run again on our type when it
// is installed.
extern const srtp_cipher_test_case_t srtp_aes_icm_128_test_case_0;
extern const srtp_cipher_test_case_t srtp_aes_icm_256_test_case_0;

typedef struct {
    chobi_evp_state evp;
    int key_length;  // AES key only, without the salt
    uint8_t salt[ICM_BLOCK_LENGTH];  // 14 salt bytes, then two zero bytes for the block counter
} icm_state;

static srtp_err_status_t icm_alloc(srtp_cipher_t **out, int key_length_with_salt, const srtp_cipher_type_t *type,
                                   int algorithm, int aes_key_length, const char *openssl_name) {
    if (key_length_with_salt != aes_key_length + ICM_SALT_LENGTH) return srtp_err_status_bad_param;
    srtp_err_status_t status = chobi_evp_cipher_alloc(out, sizeof(icm_state), type, algorithm,
                                                      key_length_with_salt, openssl_name);
    if (status != srtp_err_status_ok) return status;
    icm_state *state = (*out)->state;
    state->key_length = aes_key_length;
    return srtp_err_status_ok;
}

static srtp_err_status_t icm_128_alloc(srtp_cipher_t **out, int key_length, int tag_length) {
    (void)tag_length;
    return icm_alloc(out, key_length, &chobi_srtp_aes_icm_128, SRTP_AES_ICM_128, 16, "AES-128-CTR");
}

static srtp_err_status_t icm_256_alloc(srtp_cipher_t **out, int key_length, int tag_length) {
    (void)tag_length;
    return icm_alloc(out, key_length, &chobi_srtp_aes_icm_256, SRTP_AES_ICM_256, 32, "AES-256-CTR");
}

static srtp_err_status_t icm_dealloc(srtp_cipher_t *cipher) {
    return chobi_evp_cipher_dealloc(cipher, sizeof(icm_state));
}

static srtp_err_status_t icm_init(void *opaque, const uint8_t *key) {
    icm_state *state = opaque;
    memset(state->salt, 0, sizeof(state->salt));
    memcpy(state->salt, key + state->key_length, ICM_SALT_LENGTH);
    if (EVP_EncryptInit_ex(state->evp.context, state->evp.cipher, NULL, key, NULL) != 1) {
        return srtp_err_status_init_fail;
    }
    return srtp_err_status_ok;
}

static srtp_err_status_t icm_set_iv(void *opaque, uint8_t *iv, srtp_cipher_direction_t direction) {
    (void)direction;  // counter mode: the same keystream both ways
    icm_state *state = opaque;
    uint8_t counter[ICM_BLOCK_LENGTH];
    for (int i = 0; i < ICM_BLOCK_LENGTH; i++) counter[i] = state->salt[i] ^ iv[i];
    if (EVP_EncryptInit_ex(state->evp.context, NULL, NULL, NULL, counter) != 1) {
        return srtp_err_status_cipher_fail;
    }
    return srtp_err_status_ok;
}

static srtp_err_status_t icm_encrypt(void *opaque, uint8_t *buffer, unsigned int *length) {
    icm_state *state = opaque;
    int written = 0;
    if (*length > INT32_MAX) return srtp_err_status_bad_param;
    if (EVP_EncryptUpdate(state->evp.context, buffer, &written, buffer, (int)*length) != 1 ||
        written != (int)*length) {
        return srtp_err_status_cipher_fail;
    }
    chobi_srtp_crypto_operations += 1;
    return srtp_err_status_ok;
}

const srtp_cipher_type_t chobi_srtp_aes_icm_128 = {
    .alloc = icm_128_alloc,
    .dealloc = icm_dealloc,
    .init = icm_init,
    .set_aad = NULL,
    .encrypt = icm_encrypt,
    .decrypt = icm_encrypt,
    .set_iv = icm_set_iv,
    .get_tag = NULL,
    .description = "AES-128 counter mode over OpenSSL EVP (Chobi)",
    .test_data = &srtp_aes_icm_128_test_case_0,
    .id = SRTP_AES_ICM_128,
};

const srtp_cipher_type_t chobi_srtp_aes_icm_256 = {
    .alloc = icm_256_alloc,
    .dealloc = icm_dealloc,
    .init = icm_init,
    .set_aad = NULL,
    .encrypt = icm_encrypt,
    .decrypt = icm_encrypt,
    .set_iv = icm_set_iv,
    .get_tag = NULL,
    .description = "AES-256 counter mode over OpenSSL EVP (Chobi)",
    .test_data = &srtp_aes_icm_256_test_case_0,
    .id = SRTP_AES_ICM_256,
};
