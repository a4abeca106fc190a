/* Judging an implementation's answer to a case. */
#ifndef QC_VERDICT_H
#define QC_VERDICT_H

#include "impl/impl.h"
#include "corpus/vectors.h"

typedef enum qc_verdict_kind {
    QC_PASS,
    QC_FAIL,
    QC_SKIP,
    QC_XFAIL, /* failed, as its expected-failures entry says */
    QC_XPASS  /* listed as an expected failure, but passed: the list is stale */
} qc_verdict_kind;

typedef struct qc_verdict {
    qc_verdict_kind kind;
    const char *why;           /* one line: which part differs, or what was expected */
    size_t first_diff;         /* byte of the canonical request where they first differ */
    int has_diff;              /* first_diff is meaningful: both sides produced a request */
    const char *expect_reason; /* XFAIL and XPASS: the reason given in the list */
} qc_verdict;

/* A valid case passes with exactly the expected parts and qsh. An invalid case passes with any
 * error, and, when strict, only with the expected status. An acceptable case passes with the
 * expected parts or, unless strict, with an error; one the rules reject (it has a status) is
 * judged as an invalid case. The reference is judged strictly: it must make every decision the
 * corpus pins. An answer that gives only a qsh is judged on it alone. What the servlet
 * containers computed is weighed by qc_judge_case (judge/servers.h). */
qc_verdict qc_judge(const qc_case *c, const qc_answer *a, int strict);

#endif
