#include "ctx.h"

#include <stdlib.h>

#include "special.h"

qsh_ctx *qsh_ctx_new(void) {
    qsh_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL) {
        return NULL;
    }
    /* Fetched once, for the EVP path of hash.c; creating them here also proves at setup time
     * that libcrypto offers SHA-256. */
    ctx->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    ctx->md_ctx = EVP_MD_CTX_new();
    if (ctx->sha256 == NULL || ctx->md_ctx == NULL) {
        qsh_ctx_free(ctx);
        return NULL;
    }
    return ctx;
}

void qsh_ctx_free(qsh_ctx *ctx) {
    if (ctx == NULL) {
        return;
    }
    free(ctx->scratch);
    free(ctx->params);
    free(ctx->params_tmp);
    free(ctx->sortrecs);
    free(ctx->bits);
    free(ctx->out);
    for (size_t i = 0; i < QSH_BASE_CACHE; i++) {
        free(ctx->bases[i].copy);
    }
    EVP_MD_CTX_free(ctx->md_ctx);
    EVP_MD_free(ctx->sha256);
    free(ctx);
}

/* old grown to count elements of size bytes, or NULL (old left as it is) when that fails or
 * the size would overflow. */
static void *grown(void *old, size_t count, size_t size) {
    return count > (size_t)-1 / size ? NULL : realloc(old, count * size);
}

qsh_status ctx_reserve(qsh_ctx *ctx, size_t bytes, size_t params, size_t data) {
    size_t words = special_words(data);
    if (words > ctx->bits_cap) {
        uint64_t *w = grown(ctx->bits, words, sizeof *w);
        if (w == NULL) {
            return QSH_E_NO_MEMORY;
        }
        ctx->bits = w;
        ctx->bits_cap = words;
    }
    if (bytes > ctx->scratch_cap) {
        unsigned char *p = grown(ctx->scratch, bytes, 1);
        if (p == NULL) {
            return QSH_E_NO_MEMORY;
        }
        ctx->scratch = p;
        ctx->scratch_cap = bytes;
    }
    if (params > ctx->params_cap) {
        qsh_param *a = grown(ctx->params, params, sizeof *a);
        if (a == NULL) {
            return QSH_E_NO_MEMORY;
        }
        ctx->params = a;
        qsh_param *b = grown(ctx->params_tmp, params, sizeof *b);
        if (b == NULL) {
            return QSH_E_NO_MEMORY;
        }
        ctx->params_tmp = b;
        qsh_sortrec *r = grown(ctx->sortrecs, params, 2 * sizeof *r); /* two per parameter */
        if (r == NULL) {
            return QSH_E_NO_MEMORY;
        }
        ctx->sortrecs = r;
        ctx->params_cap = params;
    }
    ctx->scratch_used = 0;
    ctx->params_len = 0;
    return QSH_OK;
}

unsigned char *ctx_take(qsh_ctx *ctx, size_t n) {
    if (ctx->scratch_cap - ctx->scratch_used < n) {
        return NULL;
    }
    unsigned char *p = ctx->scratch + ctx->scratch_used;
    ctx->scratch_used += n;
    return p;
}
