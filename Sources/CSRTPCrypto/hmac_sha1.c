// HMAC-SHA1 (RFC 2104) for libsrtp2's SRTP/SRTCP authentication tags.
//
// The inner and outer SHA-1 states after the padded key are computed once per stream; each
// packet then starts from a copy of the inner state (a struct copy, no allocation), which is
// what makes this cheaper than a generic HMAC context. libsrtp drives one tag as
// start → update(packet) → compute(rollover counter), taking the first tag_len bytes.
//
// OpenSSL 3 marks the SHA1_* functions deprecated in favour of EVP_MD, whose context copy
// allocates; they remain part of its stable ABI.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <stdlib.h>
#include <string.h>
#include <openssl/sha.h>
#include <openssl/crypto.h>
#include "srtp_crypto_internal.h"

#define SHA1_BLOCK_LENGTH 64

extern const srtp_auth_test_case_t srtp_hmac_test_case_0;

typedef struct {
    SHA_CTX inner_start;  // SHA-1 after absorbing key XOR ipad
    SHA_CTX outer_start;  // SHA-1 after absorbing key XOR opad
    SHA_CTX running;      // the packet being authenticated
} hmac_state;

static srtp_err_status_t hmac_alloc(srtp_auth_t **out, int key_length, int tag_length) {
    if (key_length < 0 || key_length > SHA_DIGEST_LENGTH) return srtp_err_status_bad_param;
    if (tag_length < 0 || tag_length > SHA_DIGEST_LENGTH) return srtp_err_status_bad_param;
    srtp_auth_t *auth = calloc(1, sizeof(srtp_auth_t));
    hmac_state *state = calloc(1, sizeof(hmac_state));
    if (auth == NULL || state == NULL) {
        free(state);
        free(auth);
        return srtp_err_status_alloc_fail;
    }
    auth->type = &chobi_srtp_hmac_sha1;
    auth->state = state;
    auth->out_len = tag_length;
    auth->key_len = key_length;
    auth->prefix_len = 0;
    *out = auth;
    return srtp_err_status_ok;
}

static srtp_err_status_t hmac_dealloc(srtp_auth_t *auth) {
    if (auth == NULL) return srtp_err_status_bad_param;
    if (auth->state != NULL) {
        OPENSSL_cleanse(auth->state, sizeof(hmac_state));  // the states are key-equivalent
        free(auth->state);
    }
    free(auth);
    return srtp_err_status_ok;
}

static srtp_err_status_t hmac_init(void *opaque, const uint8_t *key, int key_length) {
    hmac_state *state = opaque;
    uint8_t pad[SHA1_BLOCK_LENGTH];
    if (key_length < 0 || key_length > SHA_DIGEST_LENGTH) return srtp_err_status_bad_param;

    memset(pad, 0x36, sizeof(pad));
    for (int i = 0; i < key_length; i++) pad[i] ^= key[i];
    if (SHA1_Init(&state->inner_start) != 1 || SHA1_Update(&state->inner_start, pad, sizeof(pad)) != 1) {
        return srtp_err_status_auth_fail;
    }
    memset(pad, 0x5c, sizeof(pad));
    for (int i = 0; i < key_length; i++) pad[i] ^= key[i];
    if (SHA1_Init(&state->outer_start) != 1 || SHA1_Update(&state->outer_start, pad, sizeof(pad)) != 1) {
        return srtp_err_status_auth_fail;
    }
    OPENSSL_cleanse(pad, sizeof(pad));
    state->running = state->inner_start;
    return srtp_err_status_ok;
}

static srtp_err_status_t hmac_start(void *opaque) {
    hmac_state *state = opaque;
    state->running = state->inner_start;
    return srtp_err_status_ok;
}

static srtp_err_status_t hmac_update(void *opaque, const uint8_t *message, int length) {
    hmac_state *state = opaque;
    if (length < 0) return srtp_err_status_bad_param;
    if (SHA1_Update(&state->running, message, (size_t)length) != 1) return srtp_err_status_auth_fail;
    return srtp_err_status_ok;
}

static srtp_err_status_t hmac_compute(void *opaque, const uint8_t *message, int length,
                                      int tag_length, uint8_t *result) {
    hmac_state *state = opaque;
    uint8_t inner[SHA_DIGEST_LENGTH];
    uint8_t outer[SHA_DIGEST_LENGTH];
    if (tag_length < 0 || tag_length > SHA_DIGEST_LENGTH || length < 0) return srtp_err_status_bad_param;
    if (SHA1_Update(&state->running, message, (size_t)length) != 1 ||
        SHA1_Final(inner, &state->running) != 1) {
        return srtp_err_status_auth_fail;
    }
    SHA_CTX finishing = state->outer_start;
    if (SHA1_Update(&finishing, inner, sizeof(inner)) != 1 || SHA1_Final(outer, &finishing) != 1) {
        return srtp_err_status_auth_fail;
    }
    memcpy(result, outer, (size_t)tag_length);
    chobi_srtp_crypto_operations += 1;
    return srtp_err_status_ok;
}

const srtp_auth_type_t chobi_srtp_hmac_sha1 = {
    .alloc = hmac_alloc,
    .dealloc = hmac_dealloc,
    .init = hmac_init,
    .compute = hmac_compute,
    .update = hmac_update,
    .start = hmac_start,
    .description = "HMAC-SHA1 over OpenSSL SHA-1 (Chobi)",
    .test_data = &srtp_hmac_test_case_0,
    .id = SRTP_HMAC_SHA1,
};
