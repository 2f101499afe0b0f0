// AES-GCM (RFC 7714) for libsrtp2, over OpenSSL's EVP AEAD interface.
//
// libsrtp computes the 12-byte IV itself (salt XOR SSRC/ROC/SEQ) and drives one packet as
// set_iv → set_aad (the header) → encrypt (payload, in place) → get_tag, or set_iv → set_aad →
// decrypt(payload || tag). The context keeps the expanded key between packets; a new IV
// restarts GCM without reallocating.
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include "srtp_crypto_internal.h"

#define GCM_SALT_LENGTH 12
#define GCM_MAX_TAG_LENGTH 16

extern const srtp_cipher_test_case_t srtp_aes_gcm_128_test_case_0;
extern const srtp_cipher_test_case_t srtp_aes_gcm_256_test_case_0;

typedef struct {
    chobi_evp_state evp;
    int tag_length;
    srtp_cipher_direction_t direction;
} gcm_state;

static srtp_err_status_t gcm_alloc(srtp_cipher_t **out, int key_length_with_salt, int tag_length,
                                   const srtp_cipher_type_t *type, int algorithm, int aes_key_length,
                                   const char *openssl_name) {
    if (key_length_with_salt != aes_key_length + GCM_SALT_LENGTH) return srtp_err_status_bad_param;
    if (tag_length != 8 && tag_length != GCM_MAX_TAG_LENGTH) return srtp_err_status_bad_param;
    srtp_err_status_t status = chobi_evp_cipher_alloc(out, sizeof(gcm_state), type, algorithm,
                                                      key_length_with_salt, openssl_name);
    if (status != srtp_err_status_ok) return status;
    gcm_state *state = (*out)->state;
    state->tag_length = tag_length;
    state->direction = srtp_direction_any;
    return srtp_err_status_ok;
}

static srtp_err_status_t gcm_128_alloc(srtp_cipher_t **out, int key_length, int tag_length) {
    return gcm_alloc(out, key_length, tag_length, &chobi_srtp_aes_gcm_128, SRTP_AES_GCM_128, 16, "AES-128-GCM");
}

static srtp_err_status_t gcm_256_alloc(srtp_cipher_t **out, int key_length, int tag_length) {
    return gcm_alloc(out, key_length, tag_length, &chobi_srtp_aes_gcm_256, SRTP_AES_GCM_256, 32, "AES-256-GCM");
}

static srtp_err_status_t gcm_dealloc(srtp_cipher_t *cipher) {
    return chobi_evp_cipher_dealloc(cipher, sizeof(gcm_state));
}

static srtp_err_status_t gcm_init(void *opaque, const uint8_t *key) {
    gcm_state *state = opaque;
    state->direction = srtp_direction_any;
    if (EVP_CipherInit_ex(state->evp.context, state->evp.cipher, NULL, key, NULL, 1) != 1) {
        return srtp_err_status_init_fail;
    }
    return srtp_err_status_ok;
}

static srtp_err_status_t gcm_set_iv(void *opaque, uint8_t *iv, srtp_cipher_direction_t direction) {
    gcm_state *state = opaque;
    if (direction != srtp_direction_encrypt && direction != srtp_direction_decrypt) {
        return srtp_err_status_bad_param;
    }
    state->direction = direction;
    int encrypt = direction == srtp_direction_encrypt ? 1 : 0;
    if (EVP_CipherInit_ex(state->evp.context, NULL, NULL, NULL, iv, encrypt) != 1) {
        return srtp_err_status_cipher_fail;
    }
    return srtp_err_status_ok;
}

static srtp_err_status_t gcm_set_aad(void *opaque, const uint8_t *aad, uint32_t aad_length) {
    gcm_state *state = opaque;
    int written = 0;
    if (aad_length > INT32_MAX) return srtp_err_status_bad_param;
    if (EVP_CipherUpdate(state->evp.context, NULL, &written, aad, (int)aad_length) != 1) {
        return srtp_err_status_cipher_fail;
    }
    return srtp_err_status_ok;
}

static srtp_err_status_t gcm_encrypt(void *opaque, uint8_t *buffer, unsigned int *length) {
    gcm_state *state = opaque;
    int written = 0;
    if (state->direction != srtp_direction_encrypt) return srtp_err_status_bad_param;
    if (*length > INT32_MAX) return srtp_err_status_bad_param;
    if (EVP_CipherUpdate(state->evp.context, buffer, &written, buffer, (int)*length) != 1 ||
        written != (int)*length) {
        return srtp_err_status_cipher_fail;
    }
    chobi_srtp_crypto_operations += 1;
    return srtp_err_status_ok;
}

// Finishes an encryption and writes the tag; libsrtp calls it right after encrypt().
static srtp_err_status_t gcm_get_tag(void *opaque, uint8_t *tag, uint32_t *length) {
    gcm_state *state = opaque;
    uint8_t ignored[GCM_MAX_TAG_LENGTH];
    int written = 0;
    if (state->direction != srtp_direction_encrypt) return srtp_err_status_bad_param;
    if (EVP_CipherFinal_ex(state->evp.context, ignored, &written) != 1 ||
        EVP_CIPHER_CTX_ctrl(state->evp.context, EVP_CTRL_GCM_GET_TAG, state->tag_length, tag) != 1) {
        return srtp_err_status_algo_fail;
    }
    *length = (uint32_t)state->tag_length;
    return srtp_err_status_ok;
}

// Verifies and decrypts payload || tag in place; on success the length loses the tag.
static srtp_err_status_t gcm_decrypt(void *opaque, uint8_t *buffer, unsigned int *length) {
    gcm_state *state = opaque;
    uint8_t tag[GCM_MAX_TAG_LENGTH];
    uint8_t ignored[GCM_MAX_TAG_LENGTH];
    int written = 0;
    if (state->direction != srtp_direction_decrypt) return srtp_err_status_bad_param;
    if (*length < (unsigned int)state->tag_length || *length > INT32_MAX) return srtp_err_status_bad_param;
    int payload_length = (int)*length - state->tag_length;
    memcpy(tag, buffer + payload_length, (size_t)state->tag_length);
    if (EVP_CIPHER_CTX_ctrl(state->evp.context, EVP_CTRL_GCM_SET_TAG, state->tag_length, tag) != 1) {
        return srtp_err_status_auth_fail;
    }
    if (EVP_CipherUpdate(state->evp.context, buffer, &written, buffer, payload_length) != 1 ||
        written != payload_length) {
        return srtp_err_status_cipher_fail;
    }
    chobi_srtp_crypto_operations += 1;
    if (EVP_CipherFinal_ex(state->evp.context, ignored, &written) != 1) {
        return srtp_err_status_auth_fail;
    }
    *length = (unsigned int)payload_length;
    return srtp_err_status_ok;
}

const srtp_cipher_type_t chobi_srtp_aes_gcm_128 = {
    .alloc = gcm_128_alloc,
    .dealloc = gcm_dealloc,
    .init = gcm_init,
    .set_aad = gcm_set_aad,
    .encrypt = gcm_encrypt,
    .decrypt = gcm_decrypt,
    .set_iv = gcm_set_iv,
    .get_tag = gcm_get_tag,
    .description = "AES-128 GCM over OpenSSL EVP (Chobi)",
    .test_data = &srtp_aes_gcm_128_test_case_0,
    .id = SRTP_AES_GCM_128,
};

const srtp_cipher_type_t chobi_srtp_aes_gcm_256 = {
    .alloc = gcm_256_alloc,
    .dealloc = gcm_dealloc,
    .init = gcm_init,
    .set_aad = gcm_set_aad,
    .encrypt = gcm_encrypt,
    .decrypt = gcm_decrypt,
    .set_iv = gcm_set_iv,
    .get_tag = gcm_get_tag,
    .description = "AES-256 GCM over OpenSSL EVP (Chobi)",
    .test_data = &srtp_aes_gcm_256_test_case_0,
    .id = SRTP_AES_GCM_256,
};
