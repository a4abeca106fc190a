/* A plugin that misbehaves on purpose, to test that the harness contains it: on a target that
 * contains CRASH it dereferences NULL, on HANG it loops forever, on ABORT it aborts; otherwise
 * it answers with the reference, like ref_plugin.c. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "qsh/qsh.h"
#include "qshcheck/plugin.h"

static int has(const qshcheck_str *s, const char *word) {
    size_t w = strlen(word);
    for (size_t i = 0; i + w <= s->n; i++) {
        if (memcmp(s->p + i, word, w) == 0) {
            return 1;
        }
    }
    return 0;
}

static int canonical(const qshcheck_request *in, char *out, size_t cap, size_t *len, char *err,
                     size_t errcap) {
    if (has(&in->target, "CRASH")) {
        raise(SIGSEGV);
    }
    if (has(&in->target, "ABORT")) {
        abort();
    }
    while (has(&in->target, "HANG")) {
    }
    qsh_request req = {in->method.p,
                       in->method.n,
                       in->target.p,
                       in->target.n,
                       in->base_url.p,
                       in->base_url.n,
                       QSH_PROFILE_SERVER,
                       NULL,
                       0,
                       NULL,
                       0};
    qsh_canonical parts;
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

static const qshcheck_plugin_table_v1 table = {QSHCHECK_PLUGIN_ABI,
                                               sizeof(qshcheck_plugin_table_v1),
                                               "bad-plugin",
                                               "1",
                                               canonical,
                                               NULL,
                                               NULL};

const qshcheck_plugin_table_v1 *qshcheck_plugin_v1(void) {
    return &table;
}
