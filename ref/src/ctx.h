/* The scratch context behind qsh_ctx: grown to fit the largest request seen, then reused, so
 * that steady-state calls allocate nothing. */
#ifndef QSH_CTX_H
#define QSH_CTX_H

#include <openssl/evp.h>
#include <stddef.h>

#include "qsh/canonical.h"

/* One query or body parameter. The name is kept percent-encoded (the encoding is one-to-one,
 * so equal encoded names are equal names, and names sort by encoded bytes); the value is kept
 * decoded, since values sort by their decoded text. */
typedef struct qsh_param {
    const unsigned char *name;
    size_t name_len;
    const unsigned char *value;
    size_t value_len;
    int value_plain; /* the value is all unreserved bytes: it encodes to itself */
} qsh_param;

struct qsh_ctx {
    unsigned char *scratch; /* bump area for decoded paths, names and values */
    size_t scratch_cap;
    size_t scratch_used;
    qsh_param *params; /* parameters, and merge-sort space of the same size */
    qsh_param *params_tmp;
    size_t params_cap;
    size_t params_len;
    char *out; /* canonical request buffer used by qsh_compute */
    size_t out_cap;
    EVP_MD *sha256;
    EVP_MD_CTX *md_ctx;
};

/* Makes room for `bytes` of scratch and `params` parameters and empties both. */
qsh_status ctx_reserve(qsh_ctx *ctx, size_t bytes, size_t params);

/* Takes n bytes of reserved scratch. The reservation is computed from the input lengths so
 * that this cannot run out; if it ever did, it returns NULL rather than overrun. */
unsigned char *ctx_take(qsh_ctx *ctx, size_t n);

#endif
