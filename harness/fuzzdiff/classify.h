/* What a disagreement of fuzz-diff is: the verdict of an implementation's answer against the
 * reference (agree, mismatch, leniency, rejection, broken), and for a mismatch the known
 * mistakes that give the implementation's answer. */
#ifndef QC_FUZZ_CLASSIFY_H
#define QC_FUZZ_CLASSIFY_H

#include <stdint.h>

#include "corpus/vectors.h"
#include "impl/impl.h"
#include "qsh/qsh.h"

typedef enum fd_kind {
    FD_AGREE,
    FD_SKIPPED, /* the implementation skipped it, or the run's time was up before it was sent */
    FD_MISMATCH,
    FD_LENIENT,
    FD_REJECTS,
    FD_BROKEN
} fd_kind;

typedef struct fd_verdict {
    fd_kind kind;
    char label[256];   /* one label per kind of disagreement, e.g. "SpaceAsPlus" */
    uint64_t mistakes; /* the mistakes named by a mismatch's label */
} fd_verdict;

/* The reference's answer: QSH_OK with the canonical request in a malloc'd *out (free it
 * whatever the status). */
qsh_status fd_reference(qsh_ctx *ctx, const qc_case *c, char **out, qsh_canonical *parts);

/* The verdict of answer a to case c. A mismatch is explained with up to max_level mistakes at
 * once (2 is quick enough for every disagreement; QC_WAY_MAX is not). A broken answer is
 * labelled by how the program failed (the signal it died of, a hang, ...), so that a crash and
 * a hang are two kinds and each shrinks on its own. */
void fd_judge(qsh_ctx *ctx, const qc_case *c, const qc_answer *a, int max_level, fd_verdict *v);

int fd_same_verdict(const fd_verdict *a, const fd_verdict *b);

/* Whether v, the verdict of a simpler request, keeps the disagreement of now: the same kind and
 * label, or, for a mismatch that needs several mistakes, a mismatch that needs only some. */
int fd_keeps(const fd_verdict *now, const fd_verdict *v);

/* Whether a is the supervisor's "not run: the time given to the run is up". */
int fd_not_run(const qc_answer *a);

#endif
