/* `qshcheck fuzz-diff`: differential fuzzing of an implementation against the reference. It
 * sends random requests from the grammar of fuzzdiff/grammar.c to both, shrinks each new kind of
 * disagreement to a minimal request, classifies it with the mistake catalogue, and writes the
 * minimal requests as candidate vectors in corpus format. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "corpus/parts.h"
#include "mistakes/explain.h"
#include "fuzzdiff/grammar.h"
#include "impl/impl.h"
#include "protocol/open.h"
#include "mistakes/catalogue.h"
#include "corpus/request.h"

static const char usage[] =
    "usage: qshcheck fuzz-diff (--exec COMMAND | --plugin LIB) [--seconds N] [--cases N]\n"
    "                          [--seed S] [--out DIR] [--server-only] [--timeout SECONDS]\n"
    "                          [--hide-stderr]\n"
    "\n"
    "Sends generated requests to an implementation (over the line protocol, or a C plugin)\n"
    "and to the reference, and reports where they disagree. Each new kind of disagreement is\n"
    "shrunk to a minimal request and classified with the known mistakes (`qshcheck\n"
    "mistakes`): alone or in pairs, and three at once for a minimal request that pairs do\n"
    "not explain. The minimal requests are written to DIR/fuzz_diff_seed<S>.json as\n"
    "candidate vectors in corpus format, with the reference's expectation, to confirm by hand.\n"
    "\n"
    "  --seconds N    stop after about N seconds (default 60)\n"
    "  --cases N      stop after N generated requests (default: no limit but --seconds)\n"
    "  --seed S       the generator's seed (default 1); the same seed sends the same requests\n"
    "                 in the same order, so --cases N makes a run repeatable\n"
    "  --out DIR      where the candidate vectors go (default: not written)\n"
    "  --server-only  never use the product profile\n"
    "  --timeout, --hide-stderr   as for `qshcheck run`\n"
    "\n"
    "exit status: 0 no disagreement; 1 disagreements found; 2 bad arguments; 3 the\n"
    "implementation cannot start or the vectors cannot be written.\n";

enum {
    BATCH = 256,
    MAX_RAW = 256,  /* kinds of disagreement as first seen, each shrunk once */
    MAX_KINDS = 64, /* kinds of minimal disagreement, reported and written */
    SHRINK_ROUNDS = 200,
    SHRINK_SECONDS = 60,
    STEPS = 512
};

typedef enum fd_kind {
    FD_AGREE,
    FD_SKIPPED,
    FD_MISMATCH,
    FD_LENIENT,
    FD_REJECTS,
    FD_BROKEN
} fd_kind;

typedef struct fd_verdict {
    fd_kind kind;
    char label[256];
    uint64_t mistakes; /* the mistakes named by a mismatch's label */
} fd_verdict;

/* A kind of minimal disagreement: the shrunk request and its verdict. */
typedef struct fd_finding {
    fd_verdict v;
    size_t count; /* disagreements whose shrunk form is this one */
    fg_req req;
    char *theirs; /* what the implementation answered for req */
} fd_finding;

/* A kind of disagreement as generated: random requests often show several mistakes at once,
 * so each raw kind is shrunk once and counted under the kind of its minimal request. */
typedef struct fd_raw {
    fd_verdict v;
    size_t count;
    int final; /* index into found, or -1 when found is full */
} fd_raw;

typedef struct fd_run {
    qsh_ctx *ctx;
    qc_impl impl;
    fd_finding found[MAX_KINDS];
    size_t nfound;
    fd_raw raw[MAX_RAW];
    size_t nraw;
    unsigned long long uncounted; /* disagreements of kinds beyond MAX_RAW or MAX_KINDS */
} fd_run;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The reference's answer: QSH_OK with the canonical request in a malloc'd *out. */
static qsh_status reference(qsh_ctx *ctx, const qc_case *c, char **out, qsh_canonical *parts) {
    qsh_request req;
    *out = NULL;
    if (qc_request_from_case(c, &req) != 0) {
        return QSH_E_PROFILE_INVALID;
    }
    size_t bound = qsh_canonical_bound(&req);
    *out = malloc(bound ? bound : 1);
    if (*out == NULL) {
        return QSH_E_NO_MEMORY;
    }
    return qsh_canonicalize(ctx, &req, *out, bound ? bound : 1, parts);
}

/* Names the mistakes that give the implementation's answer, e.g. "SpaceAsPlus or A + B". */
static void classify(qsh_ctx *ctx, const qc_case *c, const qc_answer *a, const char *mine,
                     size_t mine_len, int max_level, fd_verdict *v) {
    qsh_request req;
    qc_ways ws;
    size_t found[16], nfound = 0, off;
    const char *part = "qsh";
    if (a->request != NULL) {
        (void)qc_first_difference(mine, mine_len, a->request, a->request_len, &part, &off);
    }
    snprintf(v->label, sizeof v->label,
             "unexplained (the %s differs): no known mistake, alone or in pairs", part);
    if (qc_request_from_case(c, &req) != 0 ||
        qc_ways_init(&ws, ctx, &req, 1u << req.profile) != QSH_OK) {
        return;
    }
    ws.max_level = max_level;
    int level = a->request != NULL
                    ? qc_ways_explain(&ws, a->request, a->request_len, 0, found, 16, &nfound)
                    : qc_ways_explain(&ws, a->qsh, 64, 1, found, 16, &nfound);
    if (level >= 1) {
        size_t len = 0;
        v->label[0] = '\0';
        for (size_t i = 0; i < nfound && len < sizeof v->label; i++) {
            char one[128];
            qc_way_label(&ws.w[found[i]], one, sizeof one);
            int w = snprintf(v->label + len, sizeof v->label - len, "%s%s", i ? " or " : "", one);
            len += w > 0 ? (size_t)w : 0;
            for (int k = 0; k < QC_WAY_MAX; k++) {
                int m = ws.w[found[i]].mistake[k];
                v->mistakes |= m >= 0 ? (uint64_t)1 << m : 0;
            }
        }
    }
    qc_ways_free(&ws);
}

static void judge(qsh_ctx *ctx, const qc_case *c, const qc_answer *a, int max_level,
                  fd_verdict *v) {
    memset(v, 0, sizeof *v);
    if (a->outcome == QC_OUT_SKIPPED) {
        v->kind = FD_SKIPPED;
        return;
    }
    if (a->outcome == QC_OUT_BROKEN) {
        v->kind = FD_BROKEN;
        snprintf(v->label, sizeof v->label,
                 "broken: the implementation crashed, hung or broke "
                 "the protocol");
        return;
    }
    char *mine = NULL;
    qsh_canonical parts;
    qsh_status st = reference(ctx, c, &mine, &parts);
    if (st != QSH_OK) {
        v->kind = a->outcome == QC_OUT_OK ? FD_LENIENT : FD_AGREE;
        snprintf(v->label, sizeof v->label, "canonicalizes a request the rules reject (%s)",
                 qsh_status_name(st));
    } else if (a->outcome == QC_OUT_ERROR) {
        v->kind = FD_REJECTS;
        snprintf(v->label, sizeof v->label, "rejects a request the rules canonicalize");
    } else {
        int same;
        if (a->request != NULL) {
            same = a->request_len == parts.len && memcmp(a->request, mine, parts.len) == 0;
        } else {
            char hex[QSH_HEX_SIZE];
            same =
                qsh_sha256_hex(ctx, mine, parts.len, hex) == QSH_OK && memcmp(hex, a->qsh, 64) == 0;
        }
        v->kind = same ? FD_AGREE : FD_MISMATCH;
        if (!same) {
            classify(ctx, c, a, mine, parts.len, max_level, v);
        }
    }
    free(mine);
}

static char *answer_text(const qc_answer *a) {
    const char *s = a->request ? a->request : a->has_qsh ? a->qsh : a->status;
    size_t n = a->request ? a->request_len : strlen(s);
    char *t = malloc(n + 1);
    if (t != NULL) {
        memcpy(t, s, n);
        t[n] = '\0';
    }
    return t;
}

/* Runs reqs[0..n) through the implementation; answers[] then belong to the caller. */
static void run_batch(fd_run *r, const fg_req *reqs, size_t n, fg_case *cases, qc_case *flat,
                      qc_answer *answers) {
    for (size_t i = 0; i < n; i++) {
        fg_render(&reqs[i], &cases[i]);
        flat[i] = cases[i].c;
    }
    r->impl.run(r->impl.state, flat, n, answers);
}

/* Whether a simpler request's verdict keeps the disagreement: the same kind and label, or,
 * for a mismatch that needs several mistakes, a mismatch that needs only some of them. */
static int keeps(const fd_verdict *now, const fd_verdict *v) {
    if (v->kind != now->kind) {
        return 0;
    }
    if (strcmp(v->label, now->label) == 0) {
        return 1;
    }
    return v->kind == FD_MISMATCH && now->mistakes != 0 && v->mistakes != 0 &&
           (v->mistakes & ~now->mistakes) == 0 && v->mistakes != now->mistakes;
}

/* Shrinks f->req while the implementation keeps disagreeing (see keeps). */
static void shrink(fd_run *r, fd_finding *f, fg_case *cases, qc_case *flat, qc_answer *answers,
                   fg_req *steps, double deadline) {
    for (int round = 0; round < SHRINK_ROUNDS && now_s() < deadline; round++) {
        size_t n = fg_shrink_steps(&f->req, steps, STEPS);
        if (n == 0) {
            break;
        }
        run_batch(r, steps, n, cases, flat, answers);
        size_t hit = n;
        for (size_t i = 0; i < n && hit == n; i++) {
            fd_verdict v;
            judge(r->ctx, &flat[i], &answers[i], 2, &v);
            if (keeps(&f->v, &v)) {
                hit = i;
                f->v = v;
                f->req = steps[i];
                free(f->theirs);
                f->theirs = answer_text(&answers[i]);
            }
        }
        for (size_t i = 0; i < n; i++) {
            qc_answer_clear(&answers[i]);
        }
        if (hit == n || f->v.kind == FD_BROKEN) { /* a broken case costs a restart: one round */
            break;
        }
    }
}

static void note(json_t *notes, const char *flag, const char *type, const char *desc) {
    json_object_set_new(notes, flag, json_pack("{s:s, s:s}", "bugType", type, "description", desc));
}

static json_t *vector_of(fd_run *r, const fd_finding *f, int id, json_t *notes) {
    fg_case fc;
    fg_render(&f->req, &fc);
    const qc_case *c = &fc.c;
    json_t *flags = json_array();
    json_array_append_new(flags, json_string("FuzzDiffCandidate"));
    for (int m = 0; m < QC_MISTAKE_COUNT; m++) {
        if (f->v.mistakes & ((uint64_t)1 << m)) {
            json_array_append_new(flags, json_string(qc_mistakes[m].name));
            note(notes, qc_mistakes[m].name, "KNOWN_MISTAKE", qc_mistakes[m].what);
        }
    }
    char comment[1024];
    snprintf(comment, sizeof comment, "%s; the implementation answered %.600s", f->v.label,
             f->theirs ? f->theirs : "?");
    json_t *t = json_pack("{s:i, s:s, s:o, s:s%, s:s%, s:s%, s:s%}", "tcId", id, "comment", comment,
                          "flags", flags, "method", c->method.p, c->method.n, "target", c->target.p,
                          c->target.n, "baseUrl", c->base_url.p, c->base_url.n, "profile",
                          c->profile.p, c->profile.n);
    if (c->has_body) {
        json_object_set_new(t, "body", json_stringn(c->body.p, c->body.n));
        json_object_set_new(t, "contentType", json_stringn(c->content_type.p, c->content_type.n));
    }
    char *mine = NULL, hex[QSH_HEX_SIZE];
    qsh_canonical p;
    qsh_status st = reference(r->ctx, c, &mine, &p);
    if (st == QSH_OK && qsh_sha256_hex(r->ctx, mine, p.len, hex) == QSH_OK) {
        json_object_set_new(t, "canonicalMethod", json_stringn(mine, p.method_len));
        json_object_set_new(t, "canonicalUri", json_stringn(mine + p.uri_off, p.uri_len));
        json_object_set_new(t, "canonicalQuery", json_stringn(mine + p.query_off, p.query_len));
        json_object_set_new(t, "canonicalRequest", json_stringn(mine, p.len));
        json_object_set_new(t, "qsh", json_string(hex));
        json_object_set_new(t, "result", json_string("valid"));
    } else {
        json_object_set_new(t, "status", json_string(qsh_status_name(st)));
        json_object_set_new(t, "result", json_string("invalid"));
    }
    free(mine);
    return t;
}

/* Writes DIR/fuzz_diff_seed<S>.json. 0, or -1 with a message printed. */
static int write_vectors(fd_run *r, const char *dir, unsigned long long seed, char *path,
                         size_t pathcap) {
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "qshcheck: cannot create %s\n", dir);
        return -1;
    }
    snprintf(path, pathcap, "%s/fuzz_diff_seed%llu.json", dir, seed);
    json_t *notes = json_object(), *tests = json_array();
    note(notes, "FuzzDiffCandidate", "EDGE_CASE",
         "Found by qshcheck fuzz-diff: a minimal request on which the implementation and the "
         "reference disagree. The expectation is the reference's: confirm it by hand against "
         "the rules before the case joins the corpus.");
    for (size_t i = 0; i < r->nfound; i++) {
        json_array_append_new(tests, vector_of(r, &r->found[i], (int)i + 1, notes));
    }
    char header[512];
    snprintf(header, sizeof header, "Candidates from qshcheck fuzz-diff, seed %llu, against %s %s.",
             seed, r->impl.name, r->impl.version);
    json_t *doc = json_pack(
        "{s:s, s:s, s:s, s:i, s:[s, s], s:o, s:[{s:s, s:s, s:o}]}", "schema",
        "qsh_canonical_v1.schema.json", "algorithm", "ATLASSIAN-CONNECT-QSH", "version", "1",
        "numberOfTests", (int)r->nfound, "header", header,
        "qsh = lowercase hex SHA-256 of canonicalMethod '&' canonicalUri '&' canonicalQuery.",
        "notes", notes, "testGroups", "type", "QshCanonical", "comment", "fuzz-diff", "tests",
        tests);
    int rc = doc ? json_dump_file(doc, path, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : -1;
    json_decref(doc);
    if (rc != 0) {
        fprintf(stderr, "qshcheck: cannot write %s\n", path);
    }
    return rc;
}

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

static int same_verdict(const fd_verdict *a, const fd_verdict *b) {
    return a->kind == b->kind && strcmp(a->label, b->label) == 0;
}

/* Counts one disagreement; a new raw kind is shrunk and filed under its minimal kind. */
static void record(fd_run *r, const fd_verdict *v, fd_raw **fresh) {
    for (size_t i = 0; i < r->nraw; i++) {
        if (same_verdict(&r->raw[i].v, v)) {
            r->raw[i].count++;
            return;
        }
    }
    if (r->nraw == MAX_RAW) {
        r->uncounted++;
        return;
    }
    fd_raw *raw = &r->raw[r->nraw++];
    raw->v = *v;
    raw->count = 1;
    raw->final = -1;
    *fresh = raw;
}

static void report(const fd_run *r, unsigned long long sent, unsigned long long skipped,
                   unsigned long long disagreed, double secs, unsigned long long seed) {
    printf("fuzz-diff: %s %s, seed %llu: %llu requests in %.1f s (%llu skipped by the "
           "implementation)\n",
           r->impl.name, r->impl.version, seed, sent, secs, skipped);
    printf("%llu disagreements, which shrink to %zu kinds of minimal request%s\n", disagreed,
           r->nfound, r->nfound == MAX_KINDS ? " (the most kept)" : "");
    if (r->uncounted) {
        printf("(%llu disagreements of kinds beyond the %d kept are counted only)\n", r->uncounted,
               MAX_RAW);
    }
    size_t order[MAX_KINDS];
    for (size_t i = 0; i < r->nfound; i++) { /* the commonest first; ties in the order found */
        size_t j = i;
        for (; j > 0 && r->found[order[j - 1]].count < r->found[i].count; j--) {
            order[j] = order[j - 1];
        }
        order[j] = i;
    }
    for (size_t k = 0; k < r->nfound; k++) {
        const fd_finding *f = &r->found[order[k]];
        fg_case fc;
        fg_render(&f->req, &fc);
        printf("\n%5zu  %s\n       minimal: %s %s%s%s%s%s [%s]\n       theirs:  %s\n", f->count,
               f->v.label, fc.method, fc.target, fc.base_url[0] ? " base " : "", fc.base_url,
               fc.c.has_body ? " body " : "", fc.c.has_body ? fc.body : "", fc.profile,
               f->theirs ? f->theirs : "?");
        char *mine = NULL;
        qsh_canonical p;
        qsh_status st = reference(r->ctx, &fc.c, &mine, &p);
        printf("       rules:   %s\n", st == QSH_OK ? mine : qsh_status_name(st));
        free(mine);
    }
}

/* A minimal request that no mistake explains alone or in pairs: try three at once, which is
 * too slow for every disagreement but cheap for a few minimal ones. */
static void explain_further(fd_run *r, fd_finding *f, fg_case *cases, qc_case *flat,
                            qc_answer *answers) {
    fd_verdict v;
    run_batch(r, &f->req, 1, cases, flat, answers);
    judge(r->ctx, &flat[0], &answers[0], QC_WAY_MAX, &v);
    if (v.kind == FD_MISMATCH && v.mistakes != 0) {
        f->v = v;
    }
    qc_answer_clear(&answers[0]);
}

/* A raw kind seen in the current batch, waiting to be shrunk. */
typedef struct fd_pending {
    fd_raw *raw;
    fg_req req;
    char *theirs;
} fd_pending;

/* Files a shrunk finding under its minimal kind, or frees it when that kind is known. */
static void file_finding(fd_run *r, fd_raw *raw, fd_finding *f) {
    for (size_t i = 0; i < r->nfound; i++) {
        if (same_verdict(&r->found[i].v, &f->v)) {
            raw->final = (int)i;
            free(f->theirs);
            return;
        }
    }
    if (r->nfound == MAX_KINDS) {
        free(f->theirs);
        return;
    }
    raw->final = (int)r->nfound;
    r->found[r->nfound++] = *f;
}

/* Each minimal kind's count: the disagreements of the raw kinds that shrank to it. */
static void count_findings(fd_run *r) {
    for (size_t i = 0; i < r->nfound; i++) {
        r->found[i].count = 0;
    }
    for (size_t i = 0; i < r->nraw; i++) {
        if (r->raw[i].final >= 0) {
            r->found[r->raw[i].final].count += r->raw[i].count;
        } else {
            r->uncounted += r->raw[i].count;
        }
    }
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
    fd_run *r = calloc(1, sizeof *r);
    fg_case *cases = malloc(STEPS * sizeof *cases);
    qc_case *flat = calloc(STEPS, sizeof *flat);
    qc_answer *answers = calloc(STEPS, sizeof *answers);
    fg_req *reqs = malloc(STEPS * sizeof *reqs), *steps = malloc(STEPS * sizeof *steps);
    fd_pending *pending = malloc(BATCH * sizeof *pending);
    size_t npending = 0;
    int rc = QC_EXIT_IO;
    if (r == NULL || (r->ctx = qsh_ctx_new()) == NULL || cases == NULL || flat == NULL ||
        answers == NULL || reqs == NULL || steps == NULL || pending == NULL) {
        fputs("qshcheck: out of memory\n", stderr);
        goto done;
    }
    if (qc_impl_open(&r->impl, o.impl.exec, o.impl.plugin, &o.impl.exec_opt) != 0) {
        goto done;
    }
    fg_rng rng;
    fg_rng_seed(&rng, o.seed);
    double start = now_s(), deadline = start + o.seconds;
    unsigned long long sent = 0, skipped = 0, disagreed = 0;
    while ((o.cases == 0 || sent < (unsigned long long)o.cases) && now_s() < deadline) {
        size_t n = BATCH;
        if (o.cases != 0 && (unsigned long long)o.cases - sent < n) {
            n = (size_t)((unsigned long long)o.cases - sent);
        }
        for (size_t i = 0; i < n; i++) {
            fg_generate(&rng, !o.server_only, &reqs[i]);
        }
        run_batch(r, reqs, n, cases, flat, answers);
        sent += n;
        for (size_t i = 0; i < n; i++) {
            fd_verdict v;
            judge(r->ctx, &flat[i], &answers[i], 2, &v);
            skipped += v.kind == FD_SKIPPED;
            if (v.kind == FD_AGREE || v.kind == FD_SKIPPED) {
                continue;
            }
            disagreed++;
            fd_raw *fresh = NULL;
            record(r, &v, &fresh);
            if (fresh != NULL) { /* shrink a copy of it once the batch is judged */
                pending[npending].raw = fresh;
                pending[npending].req = reqs[i];
                pending[npending].theirs = answer_text(&answers[i]);
                npending++;
            }
        }
        for (size_t i = 0; i < n; i++) {
            qc_answer_clear(&answers[i]);
        }
        /* Shrink the kinds first seen in this batch. It may run past --seconds: a finding is
         * worth its minimal form, and the rounds are bounded. */
        for (size_t k = 0; k < npending; k++) {
            fd_finding f;
            memset(&f, 0, sizeof f);
            f.v = pending[k].raw->v;
            f.req = pending[k].req;
            f.theirs = pending[k].theirs;
            shrink(r, &f, cases, flat, answers, steps, now_s() + SHRINK_SECONDS);
            if (f.v.kind == FD_MISMATCH && f.v.mistakes == 0) {
                explain_further(r, &f, cases, flat, answers);
            }
            file_finding(r, pending[k].raw, &f);
        }
        npending = 0;
    }
    rc = disagreed ? QC_EXIT_FAIL : QC_EXIT_OK;
    count_findings(r);
    report(r, sent, skipped, disagreed, now_s() - start, o.seed);
    if (o.out != NULL) {
        char path[4096];
        if (write_vectors(r, o.out, o.seed, path, sizeof path) != 0) {
            rc = QC_EXIT_IO;
        } else {
            printf("\ncandidate vectors: %s (%zu cases)\n", path, r->nfound);
        }
    }
    r->impl.destroy(r->impl.state);
done:
    for (size_t i = 0; r != NULL && i < r->nfound; i++) {
        free(r->found[i].theirs);
    }
    if (r != NULL) {
        qsh_ctx_free(r->ctx);
    }
    free(r);
    free(cases);
    free(flat);
    free(answers);
    free(reqs);
    free(steps);
    free(pending);
    return rc;
}
