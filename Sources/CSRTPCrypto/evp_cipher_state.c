// The allocation both cipher types share: libsrtp's cipher record plus a state that begins with
// an OpenSSL context and the algorithm, fetched once per stream so per-packet calls never look it
// up. Each type checks its own key and tag lengths first and fills its own fields after.
#include <stdlib.h>
#include <openssl/crypto.h>
#include "srtp_crypto_internal.h"

srtp_err_status_t chobi_evp_cipher_alloc(srtp_cipher_t **out, size_t state_size, const srtp_cipher_type_t *type,
                                         int algorithm, int key_length_with_salt, const char *openssl_name) {
    srtp_cipher_t *cipher = calloc(1, sizeof(srtp_cipher_t));
    chobi_evp_state *state = calloc(1, state_size);
    EVP_CIPHER_CTX *context = EVP_CIPHER_CTX_new();
    EVP_CIPHER *evp = EVP_CIPHER_fetch(NULL, openssl_name, NULL);
    if (cipher == NULL || state == NULL || context == NULL || evp == NULL) {
        EVP_CIPHER_free(evp);
        EVP_CIPHER_CTX_free(context);
        free(state);
        free(cipher);
        return srtp_err_status_alloc_fail;
    }
    state->context = context;
    state->cipher = evp;
    cipher->type = type;
    cipher->state = state;
    // libsrtp reads key_len back to split its master key into key and salt.
    cipher->key_len = key_length_with_salt;
    cipher->algorithm = algorithm;
    *out = cipher;
    return srtp_err_status_ok;
}

srtp_err_status_t chobi_evp_cipher_dealloc(srtp_cipher_t *cipher, size_t state_size) {
    if (cipher == NULL) return srtp_err_status_bad_param;
    chobi_evp_state *state = cipher->state;
    if (state != NULL) {
        EVP_CIPHER_CTX_free(state->context);
        EVP_CIPHER_free(state->cipher);
        OPENSSL_cleanse(state, state_size);  // states hold key material (the ICM salt)
        free(state);
    }
    free(cipher);
    return srtp_err_status_ok;
}
