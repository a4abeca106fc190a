/* Shrinking a disagreement of fuzz-diff to a minimal request: simpler requests from the
 * grammar's steps are sent to the implementation while it keeps disagreeing the same way,
 * until no step keeps it or the run's time is up. */
#ifndef QC_FUZZ_SHRINK_H
#define QC_FUZZ_SHRINK_H

#include <stddef.h>

#include "fuzzdiff/classify.h"
#include "fuzzdiff/grammar.h"
#include "impl/impl.h"

enum { FD_WORK_CASES = 512 }; /* the most requests sent at once */

/* What sending requests needs: the implementation, the run's deadline, and buffers for a batch. */
typedef struct fd_work {
    qc_impl *impl;
    qsh_ctx *ctx;
    double deadline; /* qc_exec_now's clock */
    fg_case *cases;
    qc_case *flat;
    qc_answer *answers; /* of the last fd_send, owned by the caller until fd_clear */
    fg_req *steps;
    fg_req healthy; /* a request the implementation answered, when has_healthy */
    int has_healthy;
} fd_work;

/* 0, or -1 when out of memory. */
int fd_work_init(fd_work *w, qc_impl *impl, qsh_ctx *ctx, double deadline);
void fd_work_free(fd_work *w);

/* Renders reqs[0..n) (n <= FD_WORK_CASES) and sends them: w->flat[i] and w->answers[i]. */
void fd_send(fd_work *w, const fg_req *reqs, size_t n);
void fd_clear(fd_work *w, size_t n);

/* The text of an answer, malloc'd: the canonical request, the qsh or the status. */
char *fd_answer_text(const qc_answer *a);

/* A kind of disagreement: its smallest request so far and its verdict. */
typedef struct fd_finding {
    fd_verdict v;
    size_t count; /* disagreements whose shrunk form is this one */
    fg_req req;
    char *theirs;         /* what the implementation answered for req */
    const char *unshrunk; /* NULL when req is minimal, else why shrinking stopped before */
} fd_finding;

/* Shrinks f->req while the implementation keeps disagreeing (fd_keeps), then names a mismatch
 * that pairs of mistakes do not explain with three at once. */
void fd_shrink(fd_work *w, fd_finding *f);

#endif
