// See include/chobi_shims.h. Each function wraps exactly one macro or variadic call.
#define _GNU_SOURCE
#include "chobi_shims.h"

#include <dlfcn.h>
#include <sys/time.h>
#include <time.h>
#include <openssl/ec.h>
#include <vpx/vp8cx.h>
#include <vpx/vp8dx.h>

// MARK: OpenSSL

EVP_PKEY *chobi_EVP_EC_gen_P256(void) { return EVP_EC_gen("P-256"); }

long chobi_BIO_get_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }
int chobi_BIO_set_mem_eof_return(BIO *bio, int value) { return (int)BIO_set_mem_eof_return(bio, value); }
int chobi_BIO_reset(BIO *bio) { return BIO_reset(bio); }

long chobi_SSL_set_mtu(SSL *ssl, long mtu) { return SSL_set_mtu(ssl, mtu); }
long chobi_DTLS_set_link_mtu(SSL *ssl, long mtu) { return DTLS_set_link_mtu(ssl, mtu); }

int chobi_DTLSv1_get_timeout(SSL *ssl, int64_t *remaining_microseconds) {
    struct timeval left = {0, 0};
    if (DTLSv1_get_timeout(ssl, &left) != 1) return 0;
    *remaining_microseconds = (int64_t)left.tv_sec * 1000000 + (int64_t)left.tv_usec;
    return 1;
}

int chobi_DTLSv1_handle_timeout(SSL *ssl) { return (int)DTLSv1_handle_timeout(ssl); }

int chobi_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}
int chobi_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}
int chobi_SSL_CTX_set1_groups_list(SSL_CTX *ctx, const char *groups) {
    return (int)SSL_CTX_set1_groups_list(ctx, groups);
}
long chobi_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_session_cache_mode(ctx, mode);
}

uint64_t chobi_SSL_OP_NO_QUERY_MTU(void) { return SSL_OP_NO_QUERY_MTU; }
uint64_t chobi_SSL_OP_NO_TICKET(void) { return SSL_OP_NO_TICKET; }
uint64_t chobi_SSL_OP_NO_RENEGOTIATION(void) { return SSL_OP_NO_RENEGOTIATION; }

void chobi_OPENSSL_free(void *pointer) { OPENSSL_free(pointer); }

// MARK: Virtual time
//
// OpenSSL 3.0 keeps the DTLS retransmission deadline as an absolute `struct timeval` taken
// from gettimeofday (ssl/d1_lib.c, get_current_time), both when it arms the timer and when it
// asks whether the timer expired, and it checks the timer before every DTLS read. A sans-I/O
// core must run on the caller's clock, so this file defines gettimeofday itself: the linker
// exports an executable's definition of a symbol that a linked shared library (libssl)
// references, so libssl's calls bind here. While a thread has a virtual instant set, that is
// what it reads; otherwise it reads the real wall clock, exactly like glibc's version.

static _Thread_local int chobi_virtual_time_active = 0;
static _Thread_local struct timeval chobi_virtual_now = {0, 0};

void chobi_virtual_time_set(int64_t seconds, int32_t microseconds) {
    chobi_virtual_now.tv_sec = (time_t)seconds;
    chobi_virtual_now.tv_usec = (suseconds_t)microseconds;
    chobi_virtual_time_active = 1;
}

void chobi_virtual_time_clear(void) { chobi_virtual_time_active = 0; }

int gettimeofday(struct timeval *restrict tv, void *restrict tz) {
    (void)tz; // obsolete; glibc ignores it too
    if (chobi_virtual_time_active) {
        *tv = chobi_virtual_now;
        return 0;
    }
    struct timespec now;
    if (clock_gettime(CLOCK_REALTIME, &now) != 0) return -1;
    tv->tv_sec = now.tv_sec;
    tv->tv_usec = (suseconds_t)(now.tv_nsec / 1000);
    return 0;
}

int chobi_virtual_time_is_interposed(void) {
    // The global lookup scope is what libssl's PLT entry resolves through.
    void *found = dlsym(RTLD_DEFAULT, "gettimeofday");
    return found == (void *)&gettimeofday;
}

// MARK: libvpx

vpx_codec_err_t chobi_vpx_codec_enc_init_vp8(vpx_codec_ctx_t *ctx, const vpx_codec_enc_cfg_t *cfg,
                                             vpx_codec_flags_t flags) {
    return vpx_codec_enc_init(ctx, vpx_codec_vp8_cx(), cfg, flags);
}

vpx_codec_err_t chobi_vpx_codec_dec_init_vp8(vpx_codec_ctx_t *ctx, const vpx_codec_dec_cfg_t *cfg,
                                             vpx_codec_flags_t flags) {
    return vpx_codec_dec_init(ctx, vpx_codec_vp8_dx(), cfg, flags);
}

vpx_codec_err_t chobi_vpx_set_cpu_used(vpx_codec_ctx_t *ctx, int value) {
    return vpx_codec_control(ctx, VP8E_SET_CPUUSED, value);
}

// MARK: libopus

int chobi_opus_set_bitrate(OpusEncoder *encoder, int32_t bitsPerSecond) {
    return opus_encoder_ctl(encoder, OPUS_SET_BITRATE(bitsPerSecond));
}
int chobi_opus_set_complexity(OpusEncoder *encoder, int32_t complexity) {
    return opus_encoder_ctl(encoder, OPUS_SET_COMPLEXITY(complexity));
}
int chobi_opus_set_inband_fec(OpusEncoder *encoder, int32_t enabled) {
    return opus_encoder_ctl(encoder, OPUS_SET_INBAND_FEC(enabled));
}
int chobi_opus_set_packet_loss_perc(OpusEncoder *encoder, int32_t percent) {
    return opus_encoder_ctl(encoder, OPUS_SET_PACKET_LOSS_PERC(percent));
}
