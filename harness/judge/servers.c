#include "judge/servers.h"

#include <stdio.h>
#include <string.h>

#include "corpus/parts.h"

static int str_is(qc_str s, const char *p, size_t n) {
    return s.n == n && (n == 0 || memcmp(s.p, p, n) == 0);
}

const qc_server_answer *qc_server_of(const qc_case *c, const char *server) {
    for (size_t i = 0; i < c->nservers; i++) {
        if (str_is(c->servers[i].name, server, strlen(server))) {
            return &c->servers[i];
        }
    }
    return NULL;
}

int qc_file_has_server(const qc_file *f, const char *server) {
    for (size_t i = 0; i < f->count; i++) {
        if (qc_server_of(&f->cases[i], server) != NULL) {
            return 1;
        }
    }
    return 0;
}

/* A container's answer for this very target: one read as HTTP/0.9 was for a cut target. */
static int usable(const qc_server_answer *s) {
    return s->accepted && !s->http09;
}

/* Whether the answer is what some container computed. */
static int matches_a_server(const qc_case *c, const qc_answer *a) {
    for (size_t i = 0; i < c->nservers; i++) {
        const qc_server_answer *s = &c->servers[i];
        if (!usable(s)) {
            continue;
        }
        if (a->request != NULL ? str_is(s->canonical_request, a->request, a->request_len)
                               : a->has_qsh && str_is(s->qsh, a->qsh, strlen(a->qsh))) {
            return 1;
        }
    }
    return 0;
}

/* The case as the container saw it: valid, with the container's canonical request. */
static void as_server(const qc_case *c, const qc_server_answer *s, qc_case *view) {
    size_t method_len, uri_off, uri_len, query_off;
    const char *r = s->canonical_request.p;
    size_t n = s->canonical_request.n;
    *view = *c;
    view->result = QC_VALID;
    view->rules_reject = 0;
    view->status = (qc_str){"", 0};
    qc_split_request(r, n, &method_len, &uri_off, &uri_len, &query_off);
    view->canonical_request = s->canonical_request;
    view->canonical_method = (qc_str){r, method_len};
    view->canonical_uri = (qc_str){r + uri_off, uri_len};
    view->canonical_query = (qc_str){r + query_off, n - query_off};
    view->qsh = s->qsh;
}

qc_verdict qc_judge_case(const qc_case *c, const qc_answer *a, int strict, const char *server,
                         qc_case *view, const qc_case **shown) {
    *shown = c;
    const qc_server_answer *s = server != NULL ? qc_server_of(c, server) : NULL;
    if (s != NULL && !usable(s)) {
        qc_verdict v = {QC_SKIP, NULL, 0, 0, NULL};
        v.why = s->accepted ? "the server read this target as an HTTP/0.9 request line"
                            : "the server refuses this request";
        return v;
    }
    if (s != NULL) {
        as_server(c, s, view);
        *shown = view;
        return qc_judge(view, a, strict);
    }
    qc_verdict v = qc_judge(c, a, strict);
    if (v.kind == QC_FAIL && !strict && c->result == QC_ACCEPTABLE && a->outcome == QC_OUT_OK &&
        matches_a_server(c, a)) {
        v.kind = QC_PASS;
        v.why = NULL;
        v.has_diff = 0;
    }
    return v;
}
