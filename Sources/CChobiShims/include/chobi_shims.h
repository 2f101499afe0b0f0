// CChobiShims: C wrappers for what Swift cannot call directly — function-like macros and
// variadic functions of OpenSSL, libvpx and libopus — plus the virtual clock that OpenSSL's
// DTLS retransmission timer reads (see shims.c). No logic lives here: each wrapper is one call.
#ifndef CHOBI_SHIMS_H
#define CHOBI_SHIMS_H

#include <stdint.h>
#include <openssl/ssl.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <opus/opus.h>
#include <vpx/vpx_encoder.h>
#include <vpx/vpx_decoder.h>

// MARK: OpenSSL

/// A fresh ECDSA P-256 key (EVP_EC_gen is a macro over a variadic), or NULL.
EVP_PKEY *chobi_EVP_EC_gen_P256(void);

/// BIO_get_mem_data: pointer to and length of the bytes pending in a memory BIO.
long chobi_BIO_get_mem_data(BIO *bio, char **data);
/// BIO_set_mem_eof_return: what BIO_read returns on an empty memory BIO (-1 = retry).
int chobi_BIO_set_mem_eof_return(BIO *bio, int value);
/// BIO_reset: empties a memory BIO.
int chobi_BIO_reset(BIO *bio);

long chobi_SSL_set_mtu(SSL *ssl, long mtu);
long chobi_DTLS_set_link_mtu(SSL *ssl, long mtu);
/// DTLSv1_get_timeout: 1 and the time left in microseconds when a retransmission timer runs,
/// 0 when none does. OpenSSL measures "now" with gettimeofday, i.e. the virtual clock below.
int chobi_DTLSv1_get_timeout(SSL *ssl, int64_t *remaining_microseconds);
/// DTLSv1_handle_timeout: 1 = retransmitted, 0 = timer not expired, -1 = failed (too many).
int chobi_DTLSv1_handle_timeout(SSL *ssl);

int chobi_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version);
int chobi_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version);
int chobi_SSL_CTX_set1_groups_list(SSL_CTX *ctx, const char *groups);
long chobi_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode);

/// SSL_OP_* constants, defined through SSL_OP_BIT(n), which Swift does not import.
uint64_t chobi_SSL_OP_NO_QUERY_MTU(void);
uint64_t chobi_SSL_OP_NO_TICKET(void);
uint64_t chobi_SSL_OP_NO_RENEGOTIATION(void);

void chobi_OPENSSL_free(void *pointer);

// MARK: Virtual time for OpenSSL's DTLS timer

/// Makes gettimeofday on the calling thread return this instant until cleared. The DTLS
/// module brackets each OpenSSL call with set/clear so the retransmission timer runs on the
/// caller's (virtual) clock instead of the wall clock.
void chobi_virtual_time_set(int64_t seconds, int32_t microseconds);
void chobi_virtual_time_clear(void);
/// 1 when gettimeofday calls from libssl bind to the interposed definition in shims.c.
int chobi_virtual_time_is_interposed(void);

// MARK: libvpx (VP8)

vpx_codec_err_t chobi_vpx_codec_enc_init_vp8(vpx_codec_ctx_t *ctx, const vpx_codec_enc_cfg_t *cfg,
                                             vpx_codec_flags_t flags);
vpx_codec_err_t chobi_vpx_codec_dec_init_vp8(vpx_codec_ctx_t *ctx, const vpx_codec_dec_cfg_t *cfg,
                                             vpx_codec_flags_t flags);
/// vpx_codec_control(ctx, VP8E_SET_CPUUSED, value): the speed/quality trade (-16...16; 8+ for real time).
vpx_codec_err_t chobi_vpx_set_cpu_used(vpx_codec_ctx_t *ctx, int value);

// MARK: libopus (opus_encoder_ctl is variadic)

int chobi_opus_set_bitrate(OpusEncoder *encoder, int32_t bitsPerSecond);
int chobi_opus_set_complexity(OpusEncoder *encoder, int32_t complexity);
int chobi_opus_set_inband_fec(OpusEncoder *encoder, int32_t enabled);
int chobi_opus_set_packet_loss_perc(OpusEncoder *encoder, int32_t percent);

#endif
