/* The judge (harness/judge/verdict.c) and the expected-failure list applied to its verdicts
 * (harness/judge/expect.c), as a table: each kind of case (valid, invalid, acceptable, a valid
 * and an invalid token) judged strictly or not, against each outcome an implementation can
 * give, and each state of the list (the case not listed, listed exactly, covered by a
 * wildcard). The expected verdicts are written here from the rules in verdict.h and expect.h. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "expect_list.h"
#include "judge/expect.h"
#include "judge/verdict.h"

/* The canonical request every non-token case expects, and its parts. */
#define REQ "GET&/p&a=1"
#define QSH "1111111111111111111111111111111111111111111111111111111111111111"
#define OTHER_QSH "2222222222222222222222222222222222222222222222222222222222222222"

typedef enum kind { VALID, INVALID, ACCEPTABLE, TOKEN_VALID, TOKEN_INVALID } kind;

typedef enum outcome {
    SAME,          /* the expected canonical request and qsh */
    OTHER_METHOD,  /* a canonical request whose method differs */
    OTHER_URI,     /* ... whose URI differs */
    OTHER_QUERY,   /* ... whose query differs */
    SAME_REQ_QSH,  /* the expected request, another qsh */
    QSH_ONLY,      /* only the expected qsh, no request */
    QSH_ONLY_BAD,  /* only another qsh */
    SAME_STATUS,   /* rejected with the case's status */
    OTHER_STATUS,  /* rejected with another status */
    SKIPPED,       /* not supported */
    BROKEN,        /* crashed, hung */
    TOKEN_ACCEPTED /* a token case: accepted */
} outcome;

static qc_case make_case(kind k) {
    qc_case c;
    memset(&c, 0, sizeof c);
    c.tc_id = 7;
    c.comment = (qc_str){"a case", 6};
    c.is_token = k == TOKEN_VALID || k == TOKEN_INVALID;
    c.result = k == INVALID || k == TOKEN_INVALID ? QC_INVALID
               : k == ACCEPTABLE                  ? QC_ACCEPTABLE
                                                  : QC_VALID;
    if (c.result == QC_INVALID) {
        c.status = (qc_str){"QSH_E_TARGET_BYTE", 17};
    } else if (!c.is_token) {
        c.canonical_method = (qc_str){"GET", 3};
        c.canonical_uri = (qc_str){"/p", 2};
        c.canonical_query = (qc_str){"a=1", 3};
        c.canonical_request = (qc_str){REQ, strlen(REQ)};
        c.qsh = (qc_str){QSH, 64};
    }
    return c;
}

static void make_answer(outcome o, qc_answer *a) {
    static const char *const requests[] = {[SAME] = REQ,
                                           [OTHER_METHOD] = "PUT&/p&a=1",
                                           [OTHER_URI] = "GET&/q&a=1",
                                           [OTHER_QUERY] = "GET&/p&a=2",
                                           [SAME_REQ_QSH] = REQ};
    memset(a, 0, sizeof *a);
    if (o <= SAME_REQ_QSH) {
        a->outcome = QC_OUT_OK;
        CHECK(qc_answer_set_request(a, requests[o], strlen(requests[o])) == 0);
        a->has_qsh = 1;
        snprintf(a->qsh, sizeof a->qsh, "%s", o == SAME_REQ_QSH ? OTHER_QSH : QSH);
    } else if (o == QSH_ONLY || o == QSH_ONLY_BAD) {
        a->outcome = QC_OUT_OK;
        a->has_qsh = 1;
        snprintf(a->qsh, sizeof a->qsh, "%s", o == QSH_ONLY ? QSH : OTHER_QSH);
    } else if (o == TOKEN_ACCEPTED) {
        a->outcome = QC_OUT_OK;
    } else {
        a->outcome = o == SKIPPED ? QC_OUT_SKIPPED : o == BROKEN ? QC_OUT_BROKEN : QC_OUT_ERROR;
        snprintf(a->status, sizeof a->status, "%s",
                 o == SAME_STATUS    ? "QSH_E_TARGET_BYTE"
                 : o == OTHER_STATUS ? "QSH_E_URL_INVALID"
                                     : "the reason");
    }
}

/* One row: a case, strictness and outcome, the verdict, its reason (NULL: none), and the
 * verdict once an exact entry and a wildcard entry list the case. */
typedef struct row {
    kind k;
    int strict;
    outcome o;
    qc_verdict_kind want;
    const char *why;
    qc_verdict_kind exact, wild;
} row;

#define P QC_PASS
#define F QC_FAIL
#define S QC_SKIP
#define XF QC_XFAIL
#define XP QC_XPASS

static const char reject_valid[] = "rejected an input the rules canonicalize";
static const char must_reject[] = "expected the input to be rejected";

static const row table[] = {
    /* a valid case: exactly the expected request and qsh, strict or not */
    {VALID, 0, SAME, P, NULL, XP, P},
    {VALID, 1, SAME, P, NULL, XP, P},
    {VALID, 0, OTHER_METHOD, F, "the canonical method differs", XF, XF},
    {VALID, 0, OTHER_URI, F, "the canonical URI differs", XF, XF},
    {VALID, 1, OTHER_QUERY, F, "the canonical query differs", XF, XF},
    {VALID, 0, SAME_REQ_QSH, F, "the qsh differs although the canonical request is the same", XF,
     XF},
    {VALID, 0, QSH_ONLY, P, NULL, XP, P},
    {VALID, 1, QSH_ONLY_BAD, F, "the qsh differs", XF, XF},
    {VALID, 0, SAME_STATUS, F, reject_valid, XF, XF},
    {VALID, 1, OTHER_STATUS, F, reject_valid, XF, XF},
    {VALID, 0, SKIPPED, S, "the implementation skipped this operation", S, S},
    {VALID, 1, BROKEN, F, "the implementation failed", XF, XF},
    /* an invalid case: any rejection, or when strict only its own status */
    {INVALID, 0, SAME_STATUS, P, NULL, XP, P},
    {INVALID, 1, SAME_STATUS, P, NULL, XP, P},
    {INVALID, 0, OTHER_STATUS, P, NULL, XP, P},
    {INVALID, 1, OTHER_STATUS, F, "rejected with another status", XF, XF},
    {INVALID, 0, SAME, F, must_reject, XF, XF},
    {INVALID, 1, QSH_ONLY, F, must_reject, XF, XF},
    {INVALID, 0, SKIPPED, S, "the implementation skipped this operation", S, S},
    {INVALID, 0, BROKEN, F, "the implementation failed", XF, XF},
    /* an acceptable case: the expected request, or unless strict a rejection */
    {ACCEPTABLE, 0, SAME, P, NULL, XP, P},
    {ACCEPTABLE, 1, SAME, P, NULL, XP, P},
    {ACCEPTABLE, 0, OTHER_QUERY, F, "the canonical query differs", XF, XF},
    {ACCEPTABLE, 1, OTHER_URI, F, "the canonical URI differs", XF, XF},
    {ACCEPTABLE, 0, SAME_STATUS, P, NULL, XP, P},
    {ACCEPTABLE, 0, OTHER_STATUS, P, NULL, XP, P},
    {ACCEPTABLE, 1, OTHER_STATUS, F, reject_valid, XF, XF},
    {ACCEPTABLE, 0, QSH_ONLY_BAD, F, "the qsh differs", XF, XF},
    {ACCEPTABLE, 1, SKIPPED, S, "the implementation skipped this operation", S, S},
    {ACCEPTABLE, 0, BROKEN, F, "the implementation failed", XF, XF},
    /* tokens: a valid one must be accepted, an invalid one rejected */
    {TOKEN_VALID, 0, TOKEN_ACCEPTED, P, NULL, XP, P},
    {TOKEN_VALID, 1, TOKEN_ACCEPTED, P, NULL, XP, P},
    {TOKEN_VALID, 0, OTHER_STATUS, F, "rejected a token that is valid", XF, XF},
    {TOKEN_VALID, 0, BROKEN, F, "the implementation failed", XF, XF},
    {TOKEN_INVALID, 0, TOKEN_ACCEPTED, F, "accepted a token that must be rejected", XF, XF},
    {TOKEN_INVALID, 1, SAME_STATUS, P, NULL, XP, P},
    {TOKEN_INVALID, 0, OTHER_STATUS, P, NULL, XP, P},
    {TOKEN_INVALID, 1, OTHER_STATUS, F, "rejected with another status", XF, XF},
    {TOKEN_INVALID, 1, SKIPPED, S, "the implementation skipped this operation", S, S},
};

static const char *kind_name(qc_verdict_kind k) {
    static const char *const names[] = {"PASS", "FAIL", "SKIP", "XFAIL", "XPASS"};
    return names[k];
}

static void check_row(size_t i, const row *r) {
    qc_case c = make_case(r->k);
    qc_answer a;
    make_answer(r->o, &a);
    qc_verdict v = qc_judge(&c, &a, r->strict);
    if (v.kind != r->want || (r->why != NULL && (v.why == NULL || strcmp(v.why, r->why) != 0))) {
        fprintf(stderr, "row %zu: got %s (%s), want %s (%s)\n", i, kind_name(v.kind),
                v.why ? v.why : "-", kind_name(r->want), r->why ? r->why : "-");
    }
    CHECK(v.kind == r->want);
    CHECK(r->why == NULL || (v.why != NULL && strcmp(v.why, r->why) == 0));
    CHECK(r->want != QC_FAIL || r->o < OTHER_METHOD || r->o > OTHER_QUERY ||
          (v.has_diff && v.first_diff == (r->o == OTHER_METHOD ? 0u
                                          : r->o == OTHER_URI  ? 5u
                                                               : 9u)));

    /* The same verdict through the list: not listed, listed exactly, covered by a wildcard. */
    const struct {
        const char *list;
        qc_verdict_kind want;
    } states[] = {{"other_file/7  # another file\n", r->want},
                  {"case_file/7  # listed\n", r->exact},
                  {"case_*/*  # listed\n", r->wild}};
    for (size_t s = 0; s < 3; s++) {
        qc_expect x;
        char err[256];
        CHECK(load_list_text(states[s].list, strlen(states[s].list), &x, err, sizeof err) == 0);
        qc_expect_file_run(&x, "case_file");
        qc_verdict lv = v;
        CHECK(qc_expect_apply(&x, "case_file/7", &c, &lv) == 0);
        if (lv.kind != states[s].want) {
            fprintf(stderr, "row %zu, list %zu: got %s, want %s\n", i, s, kind_name(lv.kind),
                    kind_name(states[s].want));
        }
        CHECK(lv.kind == states[s].want);
        /* an unlisted failure gives a line to add; a listed case gives none */
        CHECK(x.nadd == (s == 0 && r->want == QC_FAIL ? 1u : 0u));
        CHECK(s == 0 || strcmp(lv.expect_reason, "listed") == 0);
        qc_expect_free(&x);
    }
    qc_answer_clear(&a);
}

int main(void) {
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        check_row(i, &table[i]);
    }
    /* Every kind, strictness and outcome is in the table at least once. */
    int seen_kind[5] = {0}, seen_outcome[TOKEN_ACCEPTED + 1] = {0}, seen_strict[2] = {0};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        seen_kind[table[i].k] = seen_outcome[table[i].o] = seen_strict[table[i].strict] = 1;
    }
    for (int k = 0; k < 5; k++) {
        CHECK(seen_kind[k]);
    }
    for (int o = 0; o <= TOKEN_ACCEPTED; o++) {
        CHECK(seen_outcome[o]);
    }
    CHECK(seen_strict[0] && seen_strict[1]);
    return check_finish();
}
