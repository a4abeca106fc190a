/* The reference library behind the qc_impl interface. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impl/impl.h"
#include "qsh/qsh.h"
#include "corpus/request.h"
#include "corpus/token_case.h"

static void ref_one(qsh_ctx *ctx, const qc_case *c, qc_answer *ans) {
    qsh_request req;
    qsh_canonical parts;
    memset(ans, 0, sizeof *ans);
    if (c->is_token) {
        qsh_status st = qc_verify_case(ctx, c);
        ans->outcome = st == QSH_OK ? QC_OUT_OK : QC_OUT_ERROR;
        if (st != QSH_OK) {
            snprintf(ans->status, sizeof ans->status, "%s", qsh_reason_code(st));
        }
        return;
    }
    if (qc_request_from_case(c, &req) != 0) {
        ans->outcome = QC_OUT_ERROR;
        snprintf(ans->status, sizeof ans->status, "QSH_E_PROFILE_INVALID");
        return;
    }
    size_t bound = qsh_canonical_bound(&req);
    char *buf = malloc(bound ? bound : 1);
    if (buf == NULL) {
        ans->outcome = QC_OUT_BROKEN;
        snprintf(ans->status, sizeof ans->status, "out of memory");
        return;
    }
    qsh_status st = qsh_canonicalize(ctx, &req, buf, bound ? bound : 1, &parts);
    if (st == QSH_OK) {
        st = qsh_sha256_hex(ctx, buf, parts.len, ans->qsh);
    }
    if (st != QSH_OK) {
        free(buf);
        ans->outcome = QC_OUT_ERROR;
        snprintf(ans->status, sizeof ans->status, "%s", qsh_status_name(st));
        return;
    }
    ans->outcome = QC_OUT_OK;
    ans->has_qsh = 1;
    ans->request = buf;
    ans->request_len = parts.len;
    ans->method_len = parts.method_len;
    ans->uri_off = parts.uri_off;
    ans->uri_len = parts.uri_len;
    ans->query_off = parts.query_off;
    ans->query_len = parts.query_len;
}

static void ref_run(void *state, const qc_case *cases, size_t n, qc_answer *answers) {
    for (size_t i = 0; i < n; i++) {
        ref_one(state, &cases[i], &answers[i]);
    }
}

static void ref_destroy(void *state) {
    qsh_ctx_free(state);
}

int qc_impl_ref(qc_impl *impl) {
    memset(impl, 0, sizeof *impl);
    snprintf(impl->name, sizeof impl->name, "reference");
    snprintf(impl->version, sizeof impl->version, "libqsh");
    impl->state = qsh_ctx_new();
    impl->run = ref_run;
    impl->destroy = ref_destroy;
    return impl->state ? 0 : -1;
}
