/* The reference library as a qshcheck C plugin: proves the plugin interface end to end, and is
 * an example for plugin authors (build it as a shared library exporting qshcheck_plugin_v1). */
#include <string.h>

#include "qsh/qsh.h"
#include "qshcheck/plugin.h"

static int to_request(const qshcheck_request *in, qsh_request *out) {
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
    return 0;
}

static int canonical(const qshcheck_request *in, char *out, size_t cap, size_t *len, char *err,
                     size_t errcap) {
    qsh_request req;
    qsh_canonical parts;
    to_request(in, &req);
    qsh_ctx *ctx = qsh_ctx_new();
    qsh_status st = ctx ? qsh_canonicalize(ctx, &req, out, cap, &parts) : QSH_E_NO_MEMORY;
    qsh_ctx_free(ctx);
    if (st == QSH_E_BUFFER_TOO_SMALL) {
        return QSHCHECK_TOO_SMALL;
    }
    if (st != QSH_OK) {
        strncpy(err, qsh_status_name(st), errcap - 1);
        err[errcap - 1] = '\0';
        return QSHCHECK_REJECTED;
    }
    *len = parts.len;
    return QSHCHECK_OK;
}

static int qsh(const qshcheck_request *in, char hex[65], char *err, size_t errcap) {
    qsh_request req;
    to_request(in, &req);
    qsh_ctx *ctx = qsh_ctx_new();
    qsh_status st = ctx ? qsh_compute(ctx, &req, hex) : QSH_E_NO_MEMORY;
    qsh_ctx_free(ctx);
    if (st != QSH_OK) {
        strncpy(err, qsh_status_name(st), errcap - 1);
        err[errcap - 1] = '\0';
        return QSHCHECK_REJECTED;
    }
    return QSHCHECK_OK;
}

static const qshcheck_plugin_table_v1 table = {QSHCHECK_PLUGIN_ABI,
                                               sizeof(qshcheck_plugin_table_v1),
                                               "libqsh-plugin",
                                               "1",
                                               canonical,
                                               qsh,
                                               NULL};

const qshcheck_plugin_table_v1 *qshcheck_plugin_v1(void) {
    return &table;
}
