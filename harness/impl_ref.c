/* The reference library behind the qc_impl interface. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impl.h"
#include "qsh/qsh.h"
#include "request.h"

void qc_answer_clear(qc_answer *ans) {
    free(ans->request);
    memset(ans, 0, sizeof *ans);
}

static void ref_canonical(void *state, const qc_case *c, qc_answer *ans) {
    qsh_ctx *ctx = state;
    qsh_request req;
    qsh_canonical parts;
    memset(ans, 0, sizeof *ans);
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
    ans->request = buf;
    ans->request_len = parts.len;
    ans->method_len = parts.method_len;
    ans->uri_off = parts.uri_off;
    ans->uri_len = parts.uri_len;
    ans->query_off = parts.query_off;
    ans->query_len = parts.query_len;
}

static void ref_destroy(void *state) {
    qsh_ctx_free(state);
}

int qc_impl_ref(qc_impl *impl) {
    impl->name = "reference";
    impl->state = qsh_ctx_new();
    impl->canonical = ref_canonical;
    impl->destroy = ref_destroy;
    return impl->state ? 0 : -1;
}
