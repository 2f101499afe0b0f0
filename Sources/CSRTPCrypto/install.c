#include "chobi_srtp_crypto.h"
#include "srtp_crypto_internal.h"

_Thread_local uint64_t chobi_srtp_crypto_operations = 0;

int chobi_srtp_crypto_install(void) {
    static const struct {
        const srtp_cipher_type_t *type;
        srtp_cipher_type_id_t id;
    } ciphers[] = {
        {&chobi_srtp_aes_icm_128, SRTP_AES_ICM_128},
        {&chobi_srtp_aes_icm_256, SRTP_AES_ICM_256},
        {&chobi_srtp_aes_gcm_128, SRTP_AES_GCM_128},
        {&chobi_srtp_aes_gcm_256, SRTP_AES_GCM_256},
    };
    for (unsigned i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++) {
        srtp_err_status_t status = srtp_replace_cipher_type(ciphers[i].type, ciphers[i].id);
        if (status != srtp_err_status_ok) return (int)status;
    }
    return (int)srtp_replace_auth_type(&chobi_srtp_hmac_sha1, SRTP_HMAC_SHA1);
}

uint64_t chobi_srtp_crypto_thread_operations(void) {
    return chobi_srtp_crypto_operations;
}
