/* SHA-256 through libcrypto, written as lowercase hex. */
#include "ctx.h"

qsh_status qsh_sha256_hex(qsh_ctx *ctx, const void *data, size_t len, char hex[QSH_HEX_SIZE]) {
    static const char digits[] = "0123456789abcdef";
    unsigned char md[32];
    unsigned int md_len = 0;
    if (ctx == NULL || hex == NULL || (data == NULL && len > 0)) {
        return QSH_E_NULL_ARG;
    }
    if (EVP_DigestInit_ex2(ctx->md_ctx, ctx->sha256, NULL) != 1 ||
        EVP_DigestUpdate(ctx->md_ctx, data, len) != 1 ||
        EVP_DigestFinal_ex(ctx->md_ctx, md, &md_len) != 1 || md_len != sizeof md) {
        return QSH_E_CRYPTO;
    }
    for (size_t i = 0; i < sizeof md; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[QSH_HEX_LEN] = '\0';
    return QSH_OK;
}
