/* SHA-256 through libcrypto, written as lowercase hex.
 *
 * OpenSSL 3.0's EVP_DigestInit_ex2 frees and re-creates its provider context on every call,
 * one heap allocation per hash; the low-level SHA256_* functions hash on the stack. They are
 * marked deprecated in 3.x but present throughout it, so 3.x uses them and any later major
 * version falls back to EVP with the context kept in the qsh_ctx. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/opensslv.h>
#include <openssl/sha.h>

#include "ctx.h"

#if OPENSSL_VERSION_MAJOR < 4
#define QSH_LOWLEVEL_SHA256 1
#endif

static int sha256(qsh_ctx *ctx, const void *data, size_t len, unsigned char md[32]) {
#ifdef QSH_LOWLEVEL_SHA256
    SHA256_CTX c;
    (void)ctx;
    int ok = SHA256_Init(&c) == 1 && SHA256_Update(&c, data, len) == 1 && SHA256_Final(md, &c) == 1;
    OPENSSL_cleanse(&c, sizeof c);
    return ok;
#else
    unsigned int md_len = 0;
    return EVP_DigestInit_ex2(ctx->md_ctx, ctx->sha256, NULL) == 1 &&
           EVP_DigestUpdate(ctx->md_ctx, data, len) == 1 &&
           EVP_DigestFinal_ex(ctx->md_ctx, md, &md_len) == 1 && md_len == 32;
#endif
}

qsh_status qsh_sha256_hex(qsh_ctx *ctx, const void *data, size_t len, char hex[QSH_HEX_SIZE]) {
    static const char digits[] = "0123456789abcdef";
    unsigned char md[32];
    if (ctx == NULL || hex == NULL || (data == NULL && len > 0)) {
        return QSH_E_NULL_ARG;
    }
    if (!sha256(ctx, data, len, md)) {
        return QSH_E_CRYPTO;
    }
    for (size_t i = 0; i < sizeof md; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[QSH_HEX_LEN] = '\0';
    return QSH_OK;
}
