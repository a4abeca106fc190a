/* `qshcheck fuzz-diff`: differential fuzzing of an implementation against the reference. This
 * file reads the options and runs the steps of fuzzdiff/: random requests from grammar.c go to
 * both, classify.c judges each answer, shrink.c shrinks each new kind of disagreement to a
 * minimal request, tally.c counts them, report.c prints them and candidates.c writes them as
 * candidate vectors in corpus format. The run's deadline bounds every wait. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "fuzzdiff/candidates.h"
#include "fuzzdiff/report.h"
#include "fuzzdiff/tally.h"
#include "protocol/open.h"

static const char usage[] =
    "usage: qshcheck fuzz-diff (--exec COMMAND | --plugin LIB) [--seconds N] [--cases N]\n"
    "                          [--seed S] [--out DIR] [--server-only] [--timeout SECONDS]\n"
    "                          [--hide-stderr]\n"
    "\n"
    "Sends generated requests to an implementation (over the line protocol, or a C plugin)\n"
    "and to the reference, and reports where they disagree. Each new kind of disagreement is\n"
    "shrunk to a minimal request and classified with the known mistakes (`qshcheck\n"
    "mistakes`): alone or in pairs, and three at once for a minimal request that pairs do\n"
    "not explain. Crashes and hangs are shrunk too, one request at a time. The minimal\n"
    "requests are written to DIR/fuzz_diff_seed<S>.json as candidate vectors in corpus\n"
    "format, with the reference's expectation, to confirm by hand.\n"
    "\n"
    "  --seconds N    stop after about N seconds (default 60): generating, waiting for the\n"
    "                 implementation and shrinking all end by then, even against a program\n"
    "                 that hangs; a kind whose shrinking was cut short is reported so\n"
    "  --cases N      stop after N generated requests (default: no limit but --seconds)\n"
    "  --seed S       the generator's seed (default 1); the same seed sends the same requests\n"
    "                 in the same order, so --cases N makes a run repeatable\n"
    "  --out DIR      where the candidate vectors go (default: not written); DIR is made if\n"
    "                 missing (not its parents) and checked before the run; with no\n"
    "                 disagreement no file is written\n"
    "  --server-only  never use the product profile\n"
    "  --timeout, --hide-stderr   as for `qshcheck run`\n"
    "\n"
    "exit status: 0 no disagreement; 1 disagreements found; 2 bad arguments; 3 the\n"
    "implementation cannot start, or DIR cannot take the vectors (said before the run) or\n"
    "they cannot be written.\n";

enum { BATCH = 256 };

typedef struct fd_opts {
    const char *out;
    double seconds;
    long long cases;
    unsigned long long seed;
    int server_only;
    cli_impl_choice impl;
} fd_opts;

static int parse(int argc, char **argv, fd_opts *o) {
    const cli_option opts[] = {
        CLI_IMPL_OPTIONS(&o->impl),
        {"out", CLI_STRING, &o->out, 0, 0, NULL},
        {"seconds", CLI_SECONDS, &o->seconds, 0, 1e7, "a positive number of seconds"},
        {"cases", CLI_INTEGER, &o->cases, 1, 1e12, "a whole number from 1"},
        {"seed", CLI_U64, &o->seed, 0, 0, "a whole number"},
        {"server-only", CLI_FLAG, &o->server_only, 0, 0, NULL},
    };
    cli_spec spec = {usage, opts, sizeof opts / sizeof opts[0], NULL, 0, 0};
    int r = cli_parse(argc, argv, &spec);
    if (r != CLI_PARSED) {
        return r;
    }
    if ((o->impl.exec == NULL) == (o->impl.plugin == NULL)) {
        cli_usage_error(usage, "give one of --exec and --plugin");
        return CLI_BAD;
    }
    return CLI_PARSED;
}

/* A raw kind seen in the current batch, waiting to be shrunk. */
typedef struct fd_pending {
    fd_raw *raw;
    fg_req req;
    char *theirs;
} fd_pending;

typedef struct fd_run {
    fd_work w;
    fd_tally tally;
    fd_figures fig;
    fg_rng rng;
    fg_req reqs[BATCH];
    fd_pending pending[BATCH];
    size_t npending;
} fd_run;

/* Judges the answers to r->reqs[0..n): counts them, keeps a request the implementation
 * answered (shrinking a crash needs one), and queues each new kind of disagreement. */
static void judge_batch(fd_run *r, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const qc_answer *a = &r->w.answers[i];
        if (fd_not_run(a)) {
            break; /* the time was up: this one and the rest were not sent */
        }
        r->fig.sent++;
        if (a->outcome == QC_OUT_OK || a->outcome == QC_OUT_ERROR) {
            r->w.healthy = r->reqs[i];
            r->w.has_healthy = 1;
        }
        fd_verdict v;
        fd_judge(r->w.ctx, &r->w.flat[i], a, 2, &v);
        r->fig.skipped += v.kind == FD_SKIPPED;
        if (v.kind == FD_AGREE || v.kind == FD_SKIPPED) {
            continue;
        }
        r->fig.disagreed++;
        fd_raw *fresh = fd_tally_record(&r->tally, &v);
        if (fresh != NULL) { /* shrunk once the batch is judged: the buffers are in use */
            fd_pending *p = &r->pending[r->npending++];
            p->raw = fresh;
            p->req = r->reqs[i];
            p->theirs = fd_answer_text(a);
        }
    }
}

/* Shrinks the kinds first seen in the last batch and files them. */
static void shrink_pending(fd_run *r) {
    for (size_t k = 0; k < r->npending; k++) {
        fd_finding f;
        memset(&f, 0, sizeof f);
        f.v = r->pending[k].raw->v;
        f.req = r->pending[k].req;
        f.theirs = r->pending[k].theirs;
        fd_shrink(&r->w, &f);
        fd_tally_file(&r->tally, r->pending[k].raw, &f);
    }
    r->npending = 0;
}

/* Sends batches of generated requests until --cases or the deadline. */
static void fuzz(fd_run *r, const fd_opts *o) {
    unsigned long long limit = o->cases > 0 ? (unsigned long long)o->cases : 0;
    while ((limit == 0 || r->fig.sent < limit) && qc_exec_now() < r->w.deadline) {
        size_t n =
            limit != 0 && limit - r->fig.sent < BATCH ? (size_t)(limit - r->fig.sent) : BATCH;
        for (size_t i = 0; i < n; i++) {
            fg_generate(&r->rng, !o->server_only, &r->reqs[i]);
        }
        fd_send(&r->w, r->reqs, n);
        judge_batch(r, n);
        fd_clear(&r->w, n);
        shrink_pending(r);
    }
}

/* Reports the run and writes the candidates (only when there are some). The exit status. */
static int finish(fd_run *r, const fd_opts *o, const fd_out *out, double start) {
    fd_tally_count(&r->tally);
    r->fig.seconds = qc_exec_now() - start;
    fd_report(&r->tally, r->w.impl, r->w.ctx, &r->fig);
    int rc = r->fig.disagreed ? QC_EXIT_FAIL : QC_EXIT_OK;
    if (o->out == NULL) {
        return rc;
    }
    if (r->tally.nfound == 0) {
        fd_out_discard(out);
        printf("\nno candidate vectors: no disagreement\n");
    } else if (fd_out_write(out, &r->tally, r->w.impl, r->w.ctx, o->seed) != 0) {
        rc = QC_EXIT_IO;
    } else {
        printf("\ncandidate vectors: %s (%zu cases)\n", out->path, r->tally.nfound);
    }
    return rc;
}

/* Opens the implementation and runs; --out was checked before. The exit status. */
static int run_fuzz_diff(fd_run *r, const fd_opts *o, const fd_out *out, qc_impl *impl) {
    if (qc_impl_open(impl, o->impl.exec, o->impl.plugin, &o->impl.exec_opt) != 0) {
        fd_out_discard(out);
        return QC_EXIT_IO;
    }
    double start = qc_exec_now();
    if (fd_work_init(&r->w, impl, r->w.ctx, start + o->seconds) != 0) {
        fputs("qshcheck: out of memory\n", stderr);
        impl->destroy(impl->state);
        fd_out_discard(out);
        return QC_EXIT_IO;
    }
    qc_exec_set_deadline(impl, r->w.deadline);
    fg_rng_seed(&r->rng, o->seed);
    r->fig.seed = o->seed;
    fuzz(r, o);
    int rc = finish(r, o, out, start);
    impl->destroy(impl->state);
    fd_work_free(&r->w);
    return rc;
}

int cmd_fuzz_diff(int argc, char **argv) {
    fd_opts o;
    memset(&o, 0, sizeof o);
    qc_exec_options_default(&o.impl.exec_opt);
    o.seconds = 60;
    o.seed = 1;
    int pr = parse(argc, argv, &o);
    if (pr != CLI_PARSED) {
        return cli_parse_exit(pr);
    }
    fd_out out;
    memset(&out, 0, sizeof out);
    if (o.out != NULL && fd_out_check(&out, o.out, o.seed) != 0) {
        return QC_EXIT_IO;
    }
    fd_run *r = calloc(1, sizeof *r);
    qsh_ctx *ctx = r != NULL ? qsh_ctx_new() : NULL;
    qc_impl impl;
    int rc = QC_EXIT_IO;
    if (ctx == NULL) {
        fputs("qshcheck: out of memory\n", stderr);
        fd_out_discard(&out);
    } else {
        r->w.ctx = ctx;
        rc = run_fuzz_diff(r, &o, &out, &impl);
    }
    if (r != NULL) {
        fd_tally_free(&r->tally);
    }
    qsh_ctx_free(ctx);
    free(r);
    return rc;
}
