/* The scratch context behind qsh_ctx: grown to fit the largest request seen, then reused, so
 * that steady-state calls allocate nothing. */
#ifndef QSH_CTX_H
#define QSH_CTX_H

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#include "qsh/canonical.h"
#include "target.h"

/* One query or body parameter, name and value in their canonical encoding (written as they
 * are), in the scratch as "name=value": the value follows the name and an '=', so that the
 * canonical query copies the pair at once. The encoding is one-to-one, so equal encoded names
 * are equal names; names sort by their encoded bytes, values by the text their escapes stand
 * for. */
typedef struct qsh_param {
    /* The name's first 8 bytes, big-endian, zero-padded: names compare by this number first
     * (an encoded name holds no zero byte, so the padding sorts a shorter name first, as the
     * bytes do), and only equal keys look at the bytes. */
    uint64_t key;
    const unsigned char *name;
    size_t name_len;
    const unsigned char *value;
    size_t value_len;
} qsh_param;

/* What the merge sort of many parameters moves: a parameter's key and its index. */
typedef struct qsh_sortrec {
    uint64_t key, key2; /* the name's bytes 0..7 and 8..15, as qsh_param.key */
    size_t idx;
} qsh_sortrec;

enum { QSH_BASE_CACHE = 8 };

struct qsh_ctx {
    unsigned char *scratch; /* bump area for decoded paths, names and values */
    size_t scratch_cap;
    size_t scratch_used;
    qsh_param *params; /* parameters, and merge-sort space of the same size */
    qsh_param *params_tmp;
    qsh_sortrec *sortrecs; /* two per parameter */
    size_t params_cap;
    size_t params_len;
    /* The last base URLs checked (a few tenants, or an app and its products), as copies, and
     * what checking each gave: callers hash many requests against few base URLs, and a
     * comparison is cheaper than parsing again. The cursors of `parsed` point into `copy`. */
    struct qsh_base_entry {
        unsigned char *copy;
        size_t cap, len;
        int used;
        qsh_status status;
        qsh_target parsed;
    } bases[QSH_BASE_CACHE];
    size_t base_next; /* the entry to replace next, round robin */
    uint64_t *bits;   /* the bitmap of the form data being transcoded (special.h) */
    size_t bits_cap;  /* in words */
    char *out;        /* canonical request buffer used by qsh_compute */
    size_t out_cap;
    EVP_MD *sha256;
    EVP_MD_CTX *md_ctx;
};

/* Makes room for `bytes` of scratch, `params` parameters and the bitmap of `data` bytes of form
 * data (the longer of query and body: one is transcoded at a time), and empties scratch and
 * parameters. */
qsh_status ctx_reserve(qsh_ctx *ctx, size_t bytes, size_t params, size_t data);

/* Takes n bytes of reserved scratch. The reservation is computed from the input lengths so
 * that this cannot run out; if it ever did, it returns NULL rather than overrun. */
unsigned char *ctx_take(qsh_ctx *ctx, size_t n);

#endif
