/* Judging an implementation's answer to a case. */
#ifndef QC_VERDICT_H
#define QC_VERDICT_H

#include "impl.h"
#include "vectors.h"

typedef enum qc_verdict_kind { QC_PASS, QC_FAIL, QC_SKIP } qc_verdict_kind;

typedef struct qc_verdict {
    qc_verdict_kind kind;
    const char *why;   /* one line: which part differs, or what was expected */
    size_t first_diff; /* byte of the canonical request where they first differ */
    int has_diff;      /* first_diff is meaningful: both sides produced a request */
} qc_verdict;

/* A valid case passes with exactly the expected parts and qsh. An invalid case passes with any
 * error, and, when strict, only with the expected status. An acceptable case passes with the
 * expected parts or, unless strict, with an error. The reference is judged strictly: it must
 * make every decision the corpus pins. */
qc_verdict qc_judge(const qc_case *c, const qc_answer *a, int strict);

#endif
