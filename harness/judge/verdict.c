#include "judge/verdict.h"

#include <string.h>

static int str_eq(qc_str s, const char *p, size_t n) {
    return s.n == n && (n == 0 || memcmp(s.p, p, n) == 0);
}

static size_t first_difference(qc_str s, const char *p, size_t n) {
    size_t i = 0;
    while (i < s.n && i < n && s.p[i] == p[i]) {
        i++;
    }
    return i;
}

qc_verdict qc_judge(const qc_case *c, const qc_answer *a, int strict) {
    qc_verdict v = {QC_FAIL, NULL, 0, 0, NULL};
    if (a->outcome == QC_OUT_SKIPPED) {
        v.kind = QC_SKIP;
        v.why = "the implementation skipped this operation";
        return v;
    }
    if (a->outcome == QC_OUT_BROKEN) {
        v.why = "the implementation failed";
        return v;
    }
    if (c->is_token && c->result == QC_VALID) {
        if (a->outcome == QC_OUT_OK) {
            v.kind = QC_PASS;
        } else {
            v.why = "rejected a token that is valid";
        }
        return v;
    }
    /* An acceptable token is one Atlassian's own verifier takes and the strict one refuses:
     * either answer is right for a library; the reference still gives the strict reason. */
    if (c->is_token && c->result == QC_ACCEPTABLE && !strict) {
        v.kind = QC_PASS;
        return v;
    }
    /* An acceptable case the rules reject is judged as an invalid one here; judge/servers.c
     * lets a non-strict answer pass when a servlet container computes the same. */
    if (c->result == QC_INVALID || (c->result == QC_ACCEPTABLE && c->rules_reject)) {
        if (a->outcome != QC_OUT_ERROR) {
            v.why = c->is_token ? "accepted a token that must be rejected"
                                : "expected the input to be rejected";
            return v;
        }
        if (strict && !str_eq(c->status, a->status, strlen(a->status))) {
            v.why = "rejected with another status";
            return v;
        }
        v.kind = QC_PASS;
        return v;
    }
    if (a->outcome == QC_OUT_ERROR) {
        if (c->result == QC_ACCEPTABLE && !strict) {
            v.kind = QC_PASS;
            return v;
        }
        v.why = "rejected an input the rules canonicalize";
        return v;
    }
    if (a->request == NULL) { /* a qsh-only answer */
        if (!a->has_qsh || !str_eq(c->qsh, a->qsh, strlen(a->qsh))) {
            v.why = "the qsh differs";
        } else {
            v.kind = QC_PASS;
        }
        return v;
    }
    v.has_diff = 1;
    v.first_diff = first_difference(c->canonical_request, a->request, a->request_len);
    if (!str_eq(c->canonical_method, a->request, a->method_len)) {
        v.why = "the canonical method differs";
    } else if (!str_eq(c->canonical_uri, a->request + a->uri_off, a->uri_len)) {
        v.why = "the canonical URI differs";
    } else if (!str_eq(c->canonical_query, a->request + a->query_off, a->query_len)) {
        v.why = "the canonical query differs";
    } else if (!str_eq(c->canonical_request, a->request, a->request_len)) {
        v.why = "the canonical request differs";
#ifndef QSHCHECK_MUTANT_JUDGE_QSH /* a planted bug for the fuzz mutation check: qsh unread */
    } else if (a->has_qsh && !str_eq(c->qsh, a->qsh, strlen(a->qsh))) {
        v.why = "the qsh differs although the canonical request is the same";
#endif
    } else {
        v.kind = QC_PASS;
    }
    return v;
}
