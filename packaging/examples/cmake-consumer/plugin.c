/* A qshcheck plugin (qshcheck/plugin.h) over the installed libqsh, as a library's own CMake
 * project would test itself with qshcheck_add_conformance_test. Built with
 * PLUGIN_KEEPS_CONTEXT_PATH it makes a known mistake (the base URL's path is not stripped),
 * so that the conformance test has something to catch. */
#include <qsh/qsh.h>
#include <qshcheck/plugin.h>
#include <stdio.h>
#include <string.h>

static qsh_request to_qsh(const qshcheck_request *r) {
    qsh_request q = {.method = r->method.p,
                     .method_len = r->method.n,
                     .target = r->target.p,
                     .target_len = r->target.n,
                     .base_url = r->base_url.p,
                     .base_url_len = r->base_url.n,
                     .profile = (r->profile.n == 7 && memcmp(r->profile.p, "product", 7) == 0)
                                    ? QSH_PROFILE_PRODUCT
                                    : QSH_PROFILE_SERVER};
#ifdef PLUGIN_KEEPS_CONTEXT_PATH
    /* Keep the origin only: the context path (Confluence's /wiki) stays in the hashed path. */
    const char *p = q.base_url;
    size_t n = q.base_url_len, slashes = 0, i = 0;
    for (; i < n && slashes < 3; i++) {
        slashes += p[i] == '/';
    }
    if (slashes == 3) {
        q.base_url_len = i - 1;
    }
#endif
    if (r->has_body) {
        q.body = r->body.p;
        q.body_len = r->body.n;
        q.content_type = r->content_type.p;
        q.content_type_len = r->content_type.n;
    }
    return q;
}

static int reject(qsh_status st, char *err, size_t errcap) {
    snprintf(err, errcap, "%s", qsh_status_name(st));
    return QSHCHECK_REJECTED;
}

static int canonical(const qshcheck_request *req, char *out, size_t cap, size_t *len, char *err,
                     size_t errcap) {
    qsh_request q = to_qsh(req);
    qsh_canonical parts;
    if (qsh_canonical_bound(&q) > cap) {
        return QSHCHECK_TOO_SMALL;
    }
    qsh_ctx *ctx = qsh_ctx_new();
    if (ctx == NULL) {
        snprintf(err, errcap, "out of memory");
        return QSHCHECK_REJECTED;
    }
    qsh_status st = qsh_canonicalize(ctx, &q, out, cap, &parts);
    qsh_ctx_free(ctx);
    if (st != QSH_OK) {
        return reject(st, err, errcap);
    }
    *len = parts.len;
    return QSHCHECK_OK;
}

static int qsh(const qshcheck_request *req, char hex[QSHCHECK_HEX_SIZE], char *err, size_t errcap) {
    qsh_request q = to_qsh(req);
    qsh_ctx *ctx = qsh_ctx_new();
    if (ctx == NULL) {
        snprintf(err, errcap, "out of memory");
        return QSHCHECK_REJECTED;
    }
    qsh_status st = qsh_compute(ctx, &q, hex);
    qsh_ctx_free(ctx);
    return st == QSH_OK ? QSHCHECK_OK : reject(st, err, errcap);
}

const qshcheck_plugin_table_v1 *qshcheck_plugin_v1(void);
const qshcheck_plugin_table_v1 *qshcheck_plugin_v1(void) {
    static const qshcheck_plugin_table_v1 table = {.abi_version = QSHCHECK_PLUGIN_ABI,
                                                   .struct_size = sizeof table,
                                                   .name = "example-libqsh-plugin",
                                                   .version = "1",
                                                   .canonical = canonical,
                                                   .qsh = qsh,
                                                   .verify = NULL};
    return &table;
}
