/* The reference library behind the plugin interface: shared by ref_plugin.c and
 * bad_plugin.c, which answers like the reference when it is not misbehaving. */
#ifndef QSH_TEST_REF_GLUE_H
#define QSH_TEST_REF_GLUE_H

#include <string.h>

#include "qsh/qsh.h"
#include "qshcheck/plugin.h"

_Static_assert(QSHCHECK_HEX_SIZE == QSH_HEX_SIZE, "the plugin ABI's qsh buffer is a qsh");

static inline void glue_request(const qshcheck_request *in, qsh_request *out) {
    memset(out, 0, sizeof *out);
    out->method = in->method.p;
    out->method_len = in->method.n;
    out->target = in->target.p;
    out->target_len = in->target.n;
    out->base_url = in->base_url.p;
    out->base_url_len = in->base_url.n;
    out->profile = (in->profile.n == 7 && memcmp(in->profile.p, "product", 7) == 0)
                       ? QSH_PROFILE_PRODUCT
                       : QSH_PROFILE_SERVER;
    if (in->has_body) {
        out->body = in->body.p;
        out->body_len = in->body.n;
        out->content_type = in->content_type.p;
        out->content_type_len = in->content_type.n;
    }
}

/* QSHCHECK_REJECTED with the status's name in err. */
static inline int glue_reject(qsh_status st, char *err, size_t errcap) {
    strncpy(err, qsh_status_name(st), errcap - 1);
    err[errcap - 1] = '\0';
    return QSHCHECK_REJECTED;
}

static inline int glue_canonical(const qshcheck_request *in, char *out, size_t cap, size_t *len,
                                 char *err, size_t errcap) {
    qsh_request req;
    qsh_canonical parts;
    glue_request(in, &req);
    qsh_ctx *ctx = qsh_ctx_new();
    qsh_status st = ctx ? qsh_canonicalize(ctx, &req, out, cap, &parts) : QSH_E_NO_MEMORY;
    qsh_ctx_free(ctx);
    if (st == QSH_E_BUFFER_TOO_SMALL) {
        return QSHCHECK_TOO_SMALL;
    }
    if (st != QSH_OK) {
        return glue_reject(st, err, errcap);
    }
    *len = parts.len;
    return QSHCHECK_OK;
}

static inline int glue_qsh(const qshcheck_request *in, char hex[QSHCHECK_HEX_SIZE], char *err,
                           size_t errcap) {
    qsh_request req;
    glue_request(in, &req);
    qsh_ctx *ctx = qsh_ctx_new();
    qsh_status st = ctx ? qsh_compute(ctx, &req, hex) : QSH_E_NO_MEMORY;
    qsh_ctx_free(ctx);
    return st == QSH_OK ? QSHCHECK_OK : glue_reject(st, err, errcap);
}

#endif
