#include "fuzzdiff/shrink.h"

#include <stdlib.h>
#include <string.h>

#include "mistakes/explain.h"
#include "protocol/supervisor.h"

enum { SHRINK_ROUNDS = 200 };

int fd_work_init(fd_work *w, qc_impl *impl, qsh_ctx *ctx, double deadline) {
    memset(w, 0, sizeof *w);
    w->impl = impl;
    w->ctx = ctx;
    w->deadline = deadline;
    w->cases = malloc(FD_WORK_CASES * sizeof *w->cases);
    w->flat = calloc(FD_WORK_CASES, sizeof *w->flat);
    w->answers = calloc(FD_WORK_CASES, sizeof *w->answers);
    w->steps = malloc(FD_WORK_CASES * sizeof *w->steps);
    return w->cases && w->flat && w->answers && w->steps ? 0 : -1;
}

void fd_work_free(fd_work *w) {
    free(w->cases);
    free(w->flat);
    free(w->answers);
    free(w->steps);
    memset(w, 0, sizeof *w);
}

void fd_send(fd_work *w, const fg_req *reqs, size_t n) {
    for (size_t i = 0; i < n; i++) {
        fg_render(&reqs[i], &w->cases[i]);
        w->flat[i] = w->cases[i].c;
    }
    w->impl->run(w->impl->state, w->flat, n, w->answers);
}

void fd_clear(fd_work *w, size_t n) {
    for (size_t i = 0; i < n; i++) {
        qc_answer_clear(&w->answers[i]);
    }
}

char *fd_answer_text(const qc_answer *a) {
    const char *s = a->request ? a->request : a->has_qsh ? a->qsh : a->status;
    size_t n = a->request ? a->request_len : strlen(s);
    char *t = malloc(n + 1);
    if (t != NULL) {
        memcpy(t, s, n);
        t[n] = '\0';
    }
    return t;
}

typedef enum step_result { STEP_TAKEN, STEP_NONE_KEEPS, STEP_STOPPED } step_result;

static const char time_up[] = "the time given to the run was up";

static void take(fd_finding *f, const fd_verdict *v, const fg_req *req, const qc_answer *a) {
    f->v = *v;
    f->req = *req;
    free(f->theirs);
    f->theirs = fd_answer_text(a);
}

/* Steps that answer: all at once, the first (biggest) that keeps the disagreement wins. */
static step_result try_together(fd_work *w, fd_finding *f, size_t n) {
    fd_send(w, w->steps, n);
    step_result r = STEP_NONE_KEEPS;
    for (size_t i = 0; i < n && r == STEP_NONE_KEEPS; i++) {
        fd_verdict v;
        if (fd_not_run(&w->answers[i])) {
            f->unshrunk = time_up;
            r = STEP_STOPPED;
            break;
        }
        fd_judge(w->ctx, &w->flat[i], &w->answers[i], 2, &v);
        if (fd_keeps(&f->v, &v)) {
            take(f, &v, &w->steps[i], &w->answers[i]);
            r = STEP_TAKEN;
        }
    }
    fd_clear(w, n);
    return r;
}

/* After a step failed, the request the implementation answered before: when it answers again,
 * the failure was the step's own (and the supervisor, seeing an answer, does not give up on a
 * program that fails only some requests); when it fails too, nothing more can be learnt. */
static int still_answers(fd_work *w, fd_finding *f) {
    fd_send(w, &w->healthy, 1);
    int ok = w->answers[0].outcome != QC_OUT_BROKEN && !fd_not_run(&w->answers[0]);
    if (!ok) {
        f->unshrunk = fd_not_run(&w->answers[0]) ? time_up
                                                 : "the implementation failed every "
                                                   "request";
    }
    fd_clear(w, 1);
    return ok;
}

/* Steps of a crash or a hang: one at a time, each failure costing a restart or a timeout, and
 * each followed by a request the implementation answers. */
static step_result try_one_by_one(fd_work *w, fd_finding *f, size_t n) {
    if (!w->has_healthy) {
        f->unshrunk = "the implementation answered no request";
        return STEP_STOPPED;
    }
    for (size_t i = 0; i < n; i++) {
        fd_verdict v;
        fd_send(w, &w->steps[i], 1);
        if (fd_not_run(&w->answers[0])) {
            fd_clear(w, 1);
            f->unshrunk = time_up;
            return STEP_STOPPED;
        }
        fd_judge(w->ctx, &w->flat[0], &w->answers[0], 2, &v);
        int kept = fd_keeps(&f->v, &v);
        if (kept) {
            take(f, &v, &w->steps[i], &w->answers[0]);
        }
        fd_clear(w, 1);
        if (v.kind == FD_BROKEN && !still_answers(w, f)) {
            return STEP_STOPPED;
        }
        if (kept) {
            return STEP_TAKEN;
        }
    }
    return STEP_NONE_KEEPS;
}

/* A minimal request that no mistake explains alone or in pairs: try three at once, which is
 * too slow for every disagreement but cheap for a few minimal ones. */
static void explain_further(fd_work *w, fd_finding *f) {
    fd_verdict v;
    fd_send(w, &f->req, 1);
    fd_judge(w->ctx, &w->flat[0], &w->answers[0], QC_WAY_MAX, &v);
    if (v.kind == FD_MISMATCH && v.mistakes != 0) {
        f->v = v;
    }
    fd_clear(w, 1);
}

void fd_shrink(fd_work *w, fd_finding *f) {
    f->unshrunk = "it took more rounds than shrinking is given";
    for (int round = 0; round < SHRINK_ROUNDS; round++) {
        if (qc_exec_now() >= w->deadline) {
            f->unshrunk = time_up;
            break;
        }
        size_t n = fg_shrink_steps(&f->req, w->steps, FD_WORK_CASES);
        step_result r = n == 0                   ? STEP_NONE_KEEPS
                        : f->v.kind == FD_BROKEN ? try_one_by_one(w, f, n)
                                                 : try_together(w, f, n);
        if (r == STEP_NONE_KEEPS) {
            f->unshrunk = NULL;
        }
        if (r != STEP_TAKEN) {
            break;
        }
    }
    if (f->v.kind == FD_MISMATCH && f->v.mistakes == 0 && qc_exec_now() < w->deadline) {
        explain_further(w, f);
    }
}
