/* qshcheck-bench: the speed of the reference, measured against the floor of SHA-256 itself and
 * against what users run today. Figures are medians of repeated runs in one process; the
 * targets (docs/PERFORMANCE.md) are printed beside them, never asserted on time, since shared
 * machines are noisy. The one figure that does not depend on time, heap allocations per qsh
 * in steady state, makes the program exit 1 when it is not zero.
 *
 *   qshcheck-bench [--quick] [--shuffle] [--compare-node] [REQUESTS.json]
 *
 * --shuffle visits the mix in a new random order in every round of the mix timings, so that
 * the branch predictor cannot learn the fixed sequence of 24 requests.
 */
#include <alloca.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "corpus/files.h"
#include "protocol/supervisor.h"
#include "qsh/qsh.h"
#include "corpus/vectors.h"

#ifndef QSHCHECK_SOURCE_DIR
#define QSHCHECK_SOURCE_DIR "."
#endif
#ifndef QSHCHECK_BUILD_INFO
#define QSHCHECK_BUILD_INFO "unknown build"
#endif

/* Heap allocations are counted by interposing the allocator (glibc's __libc_* functions stay
 * reachable), so OpenSSL's and jansson's allocations count too. */
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t m);
extern void *__libc_realloc(void *p, size_t n);
static size_t allocations;
void *malloc(size_t n) {
    allocations++;
    return __libc_malloc(n);
}
void *calloc(size_t n, size_t m) {
    allocations++;
    return __libc_calloc(n, m);
}
void *realloc(void *p, size_t n) {
    allocations++;
    return __libc_realloc(p, n);
}

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The processor time of this thread: what the timed passes of the mix and the queries read.
 * Wall time counts the moments another tenant's process has the core, and on a loaded machine
 * the scheduler's period can lock onto the cycle of the three timings of a pass, so that one
 * of them takes every preemption: runs were seen where the pipeline or the floor alone
 * measured 3 to 5 times its time (ratios of 6.1 and 0.42). The clock is read twice a pass. */
static double cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n) {
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

typedef struct mix {
    qsh_request *req;
    char **canon;
    size_t *canon_len;
    size_t n;
    size_t bytes; /* canonical bytes in one pass over the mix */
    json_t *doc;
    size_t *order; /* NULL: the file's order; else a shuffled order per round */
    size_t rounds; /* rounds that `order` holds */
} mix;

static const char *str(json_t *o, const char *k, const char *dflt) {
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : dflt;
}

static int load_mix(const char *path, mix *m, qsh_ctx *ctx) {
    json_error_t je;
    memset(m, 0, sizeof *m);
    m->doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    json_t *reqs = json_object_get(m->doc, "requests");
    if (!json_is_array(reqs) || json_array_size(reqs) == 0) {
        fprintf(stderr, "qshcheck-bench: cannot read the request mix %s: %s\n", path,
                m->doc ? "no requests" : je.text);
        return -1;
    }
    m->n = json_array_size(reqs);
    m->req = calloc(m->n, sizeof *m->req);
    m->canon = calloc(m->n, sizeof *m->canon);
    m->canon_len = calloc(m->n, sizeof *m->canon_len);
    for (size_t i = 0; i < m->n; i++) {
        json_t *r = json_array_get(reqs, i);
        qsh_request *q = &m->req[i];
        q->method = str(r, "method", "GET");
        q->method_len = strlen(q->method);
        q->target = str(r, "target", "/");
        q->target_len = strlen(q->target);
        q->base_url = str(r, "baseUrl", "");
        q->base_url_len = strlen(q->base_url);
        q->profile = strcmp(str(r, "profile", "server"), "product") == 0 ? QSH_PROFILE_PRODUCT
                                                                         : QSH_PROFILE_SERVER;
        q->body = str(r, "body", NULL);
        q->body_len = q->body ? strlen(q->body) : 0;
        q->content_type = str(r, "contentType", NULL);
        q->content_type_len = q->content_type ? strlen(q->content_type) : 0;
        size_t cap = qsh_canonical_bound(q);
        qsh_canonical parts;
        m->canon[i] = malloc(cap);
        if (m->canon[i] == NULL || qsh_canonicalize(ctx, q, m->canon[i], cap, &parts) != QSH_OK) {
            fprintf(stderr, "qshcheck-bench: request %zu (%s) does not canonicalize\n", i,
                    str(r, "name", "?"));
            return -1;
        }
        m->canon_len[i] = parts.len;
        m->bytes += parts.len;
    }
    return 0;
}

enum { OP_QSH, OP_SHA, OP_CANON };

/* Median ns per request of `op` over the mix, from `reps` timed passes of `iters` each. */
__attribute__((noinline)) static double time_mix(mix *m, qsh_ctx *ctx, int op, int reps, int iters,
                                                 char *buf, size_t cap) {
    double *samples = malloc((size_t)reps * sizeof *samples);
    char hex[QSH_HEX_SIZE];
    qsh_canonical parts;
    unsigned sink = 0;
    for (int r = 0; r < reps; r++) {
        double t0 = cpu_ns();
        for (int it = 0; it < iters; it++) {
            const size_t *order = m->order ? m->order + (size_t)it % m->rounds * m->n : NULL;
            for (size_t k = 0; k < m->n; k++) {
                size_t i = order ? order[k] : k;
                qsh_status st = QSH_OK;
                if (op == OP_QSH) {
                    st = qsh_compute(ctx, &m->req[i], hex);
                } else if (op == OP_SHA) {
                    st = qsh_sha256_hex(ctx, m->canon[i], m->canon_len[i], hex);
                } else {
                    st = qsh_canonicalize(ctx, &m->req[i], buf, cap, &parts);
                    hex[0] = buf[parts.len / 2];
                }
                sink += (unsigned)st + (unsigned char)hex[0];
            }
        }
        samples[r] = (cpu_ns() - t0) / ((double)iters * (double)m->n);
    }
    double med = median(samples, (size_t)reps);
    free(samples);
    if (sink == 0xFFFFFFFFu) {
        printf("%u\n", sink); /* keeps the work from being optimized away */
    }
    return med;
}

/* A query of about `size` bytes: many names, some repeated, escaped bytes and UTF-8, in a
 * shuffled order, so that decoding, encoding and sorting all do real work. */
static char *make_query(size_t size, size_t *params) {
    char *t = malloc(size + 256);
    size_t n = (size_t)snprintf(t, size + 256, "/rest/api/2/search?");
    unsigned seed = 2463534242u;
    *params = 0;
    while (n < size) {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        unsigned k = seed % 5000, v = seed / 5000 % 1000;
        const char *val = (seed & 3) == 0   ? "caf%C3%A9+au+lait"
                          : (seed & 3) == 1 ? "a%2Fb%20c"
                                            : "plain";
        n += (size_t)snprintf(t + n, size + 256 - n, "%sname_%u=%s-%u", *params ? "&" : "",
                              k % (unsigned)(size / 24 + 1), val, v);
        (*params)++;
    }
    return t;
}

/* Shuffled orders of the mix for `rounds` rounds (xorshift, a fixed seed: the same orders in
 * every run). */
static int shuffle_mix(mix *m, size_t rounds) {
    m->order = malloc(rounds * m->n * sizeof *m->order);
    if (m->order == NULL) {
        return -1;
    }
    m->rounds = rounds;
    unsigned seed = 2463534242u;
    for (size_t r = 0; r < rounds; r++) {
        size_t *o = m->order + r * m->n;
        for (size_t i = 0; i < m->n; i++) {
            o[i] = i;
        }
        for (size_t i = m->n - 1; i > 0; i--) {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            size_t j = seed % (i + 1), t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
    }
    return 0;
}

/* The processor, from /proc/cpuinfo where there is one, and whether it has the SHA
 * extensions: the floor is SHA-256 itself, several times slower without them. */
static void print_machine(void) {
    char line[4096], model[256] = "unknown processor";
    int sha = -1;
    FILE *f = fopen("/proc/cpuinfo", "r");
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "model name", 10) == 0 && strchr(line, ':') != NULL) {
            snprintf(model, sizeof model, "%s", strchr(line, ':') + 2);
            model[strcspn(model, "\n")] = '\0';
        } else if (strncmp(line, "flags", 5) == 0) {
            sha = strstr(line, " sha_ni") != NULL;
            break;
        }
    }
    if (f != NULL) {
        fclose(f);
    }
    printf("machine: %s%s; build: %s\n", model,
           sha < 0 ? ""
           : sha   ? ", SHA extensions"
                   : ", no SHA extensions",
           QSHCHECK_BUILD_INFO);
}

/* time_mix with the stack `shift` bytes further down. Where the stack lies within a page
 * (which address space randomization draws anew for each process) moves the SHA-256 floor by
 * up to 7%: its context and output on the stack alias the input strings on the heap or not.
 * Each pass takes another shift, spread over a page, so that the median is over the
 * placements and not one draw of them. */
static double time_mix_shifted(size_t shift, mix *m, qsh_ctx *ctx, int op, int iters, char *buf,
                               size_t cap) {
    volatile char *pad = alloca(shift + 16);
    pad[0] = 0;
    double t = time_mix(m, ctx, op, 1, iters, buf, cap);
    pad[shift] = 0; /* keeps the pad alive across the call */
    return t;
}

static int run_child(char *const argv[], int quiet) {
    fflush(stdout); /* or the child would write our buffered lines again */
    pid_t pid = fork();
    if (pid == 0) {
        if (quiet) {
            freopen("/dev/null", "w", stdout);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void bin_path(char *out, size_t cap, const char *argv0, const char *name) {
    const char *slash = strrchr(argv0, '/');
    snprintf(out, cap, "%.*s/%s", slash ? (int)(slash - argv0) : 1, slash ? argv0 : ".", name);
}

/* Cases per second through the protocol, with a program that answers at once. */
static double protocol_rate(const char *echo, int reps, size_t copies, size_t *ncases) {
    qc_files list;
    char err[512];
    if (qc_files_expand(NULL, 0, &list, err, sizeof err) != 0) {
        fprintf(stderr, "qshcheck-bench: %s\n", err);
        return 0;
    }
    qc_file *files = calloc(list.count, sizeof *files);
    size_t total = 0;
    for (size_t f = 0; f < list.count; f++) {
        if (qc_file_load(list.paths[f], &files[f], err, sizeof err) == 0) {
            total += files[f].count;
        }
    }
    qc_case *cases = calloc(total * copies, sizeof *cases);
    size_t k = 0;
    for (size_t c = 0; c < copies; c++) {
        for (size_t f = 0; f < list.count; f++) {
            for (size_t i = 0; i < files[f].count; i++) {
                if (files[f].cases[i].target.n < 4096) { /* leave out the 1 MiB limit case */
                    cases[k++] = files[f].cases[i];
                }
            }
        }
    }
    *ncases = k;
    qc_exec_options o;
    qc_exec_options_default(&o);
    qc_impl impl;
    double rate = 0;
    if (qc_impl_exec(&impl, echo, &o, err, sizeof err) != 0) {
        fprintf(stderr, "qshcheck-bench: cannot start %s: %s\n", echo, err);
    } else {
        qc_answer *ans = calloc(k, sizeof *ans);
        double *samples = malloc((size_t)reps * sizeof *samples);
        for (int r = 0; r < reps; r++) {
            double t0 = now_ns();
            impl.run(impl.state, cases, k, ans);
            samples[r] = (double)k / ((now_ns() - t0) / 1e9);
            for (size_t i = 0; i < k; i++) {
                qc_answer_clear(&ans[i]);
            }
        }
        rate = median(samples, (size_t)reps);
        free(samples);
        free(ans);
        impl.destroy(impl.state);
    }
    for (size_t f = 0; f < list.count; f++) {
        qc_file_free(&files[f]);
    }
    free(files);
    free(cases);
    qc_files_free(&list);
    return rate;
}

static qsh_status bench_lookup(void *ud, int rs256, const char *iss, size_t iss_len,
                               const char *kid, size_t kid_len, const unsigned char **key,
                               size_t *key_len) {
    (void)rs256;
    (void)iss;
    (void)iss_len;
    (void)kid;
    (void)kid_len;
    *key = ud;
    *key_len = strlen(ud);
    return QSH_OK;
}

static const char *mark(int ok) {
    return ok ? "meets the target" : "MISSES the target";
}

int main(int argc, char **argv) {
    int quick = 0, compare_node = 0, shuffle = 0;
    const char *path = QSHCHECK_SOURCE_DIR "/harness/bench/requests.json";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            quick = 1;
        } else if (strcmp(argv[i], "--compare-node") == 0) {
            compare_node = 1;
        } else if (strcmp(argv[i], "--shuffle") == 0) {
            shuffle = 1;
        } else if (strcmp(argv[i], "--help") == 0) {
            puts("usage: qshcheck-bench [--quick] [--shuffle] [--compare-node] [REQUESTS.json]");
            return 0;
        } else {
            path = argv[i];
        }
    }
    int reps = quick ? 3 : 21, iters = quick ? 20 : 400;
    qsh_ctx *ctx = qsh_ctx_new();
    mix m;
    if (ctx == NULL || load_mix(path, &m, ctx) != 0 ||
        (shuffle && shuffle_mix(&m, (size_t)iters) != 0)) {
        return 3;
    }
    size_t cap = 1 << 20;
    char *buf = malloc(cap);
    print_machine();
    printf("request mix: %zu requests from %s, %.0f canonical bytes on average%s\n", m.n, path,
           (double)m.bytes / (double)m.n, shuffle ? ", in a shuffled order each round" : "");

    /* Warm up, then count allocations over steady-state calls. */
    time_mix(&m, ctx, OP_QSH, 1, 50, buf, cap);
    char hex[QSH_HEX_SIZE];
    size_t before = allocations;
    for (int it = 0; it < 100; it++) {
        for (size_t i = 0; i < m.n; i++) {
            if (qsh_compute(ctx, &m.req[i], hex) != QSH_OK) {
                return 3;
            }
        }
    }
    double allocs = (double)(allocations - before) / (100.0 * (double)m.n);

    /* The three are timed in turn within each pass, and the ratio is the median of the passes'
     * ratios: a shared machine's speed drifts over seconds, and a ratio of figures taken
     * seconds apart would measure the drift. */
    double *tq = malloc((size_t)reps * sizeof *tq), *tsha = malloc((size_t)reps * sizeof *tsha);
    double *tc = malloc((size_t)reps * sizeof *tc), *tr = malloc((size_t)reps * sizeof *tr);
    if (tq == NULL || tsha == NULL || tc == NULL || tr == NULL) {
        return 3;
    }
    for (int r = 0; r < reps; r++) {
        size_t shift = (size_t)r * 4096 / (size_t)reps / 16 * 16;
        tq[r] = time_mix_shifted(shift, &m, ctx, OP_QSH, iters, buf, cap);
        tsha[r] = time_mix_shifted(shift, &m, ctx, OP_SHA, iters, buf, cap);
        tc[r] = time_mix_shifted(shift, &m, ctx, OP_CANON, iters, buf, cap);
        tr[r] = tq[r] / tsha[r];
    }
    double t_qsh = median(tq, (size_t)reps), t_sha = median(tsha, (size_t)reps);
    double t_can = median(tc, (size_t)reps), ratio = median(tr, (size_t)reps);
    printf("qsh, whole pipeline:        %8.1f ns per request\n", t_qsh);
    printf("SHA-256 + hex alone (floor): %7.1f ns per request\n", t_sha);
    printf("canonicalization alone:     %8.1f ns per request\n", t_can);
    printf("pipeline / floor:           %8.2f   (target <= 2.00: %s; median of %d passes)\n", ratio,
           mark(ratio <= 2.0), reps);
    free(tc);
    free(tr);
    printf("heap allocations per qsh:   %8.2f   (target 0: %s)\n", allocs, mark(allocs == 0));

    /* The three sizes in turn within each pass, as above; the growth is the median of the
     * passes' 64 KiB / 1 KiB ratios. */
    const size_t sizes[3] = {1024, 16 * 1024, 64 * 1024};
    qsh_request big_req[3];
    char *targets[3];
    size_t nparams[3];
    double *pb[3], *growth = malloc((size_t)reps * sizeof *growth);
    for (int s = 0; s < 3; s++) {
        targets[s] = make_query(sizes[s], &nparams[s]);
        qsh_request r = {
            "GET", 3, targets[s], strlen(targets[s]), "", 0, QSH_PROFILE_SERVER, NULL, 0, NULL, 0};
        big_req[s] = r;
        pb[s] = malloc((size_t)reps * sizeof *pb[s]);
        if (pb[s] == NULL || growth == NULL) {
            return 3;
        }
    }
    for (int r = 0; r < reps; r++) {
        for (int s = 0; s < 3; s++) {
            mix big = {0};
            big.req = &big_req[s];
            big.n = 1;
            int it = (int)(quick ? 4 : 4 * (64 * 1024 / sizes[s]) + 20);
            pb[s][r] = time_mix(&big, ctx, OP_QSH, 1, it, buf, cap) / (double)big_req[s].target_len;
        }
        growth[r] = pb[2][r] / pb[0][r];
    }
    for (int s = 0; s < 3; s++) {
        printf("query of %6zu bytes, %4zu parameters: %8.2f ns per byte\n", big_req[s].target_len,
               nparams[s], median(pb[s], (size_t)reps));
        free(targets[s]);
        free(pb[s]);
    }
    double grow = median(growth, (size_t)reps);
    printf("64 KiB per byte / 1 KiB per byte: %.2f   (target <= 2.00: %s; median of %d passes)\n",
           grow, mark(grow <= 2.0), reps);
    free(growth);

    /* Tokens: sign and verify an iframe token for each request of the mix but the one that
     * already carries a jwt parameter (the mix has exactly one). Each pass signs them all, then
     * verifies them all, each loop timed on the thread's processor clock as the mix is. */
    {
        static const char secret[] = "bench-shared-secret-0123456789";
        enum { TOKEN_CAP = 8192 };
        char *toks = malloc(m.n * TOKEN_CAP), *auths = malloc(m.n * (TOKEN_CAP + 8));
        size_t *tn = calloc(m.n, sizeof *tn);
        double *ss = malloc((size_t)reps * sizeof *ss), *vs = malloc((size_t)reps * sizeof *vs);
        int titers = quick ? 20 : 200, bad = 0;
        if (toks == NULL || auths == NULL || tn == NULL || ss == NULL || vs == NULL) {
            return 3;
        }
        for (int r = 0; r < reps; r++) {
            double t0 = cpu_ns();
            for (int it = 0; it < titers; it++) {
                for (size_t i = 0; i < m.n; i++) {
                    if (strstr(m.req[i].target, "jwt=") != NULL) {
                        continue; /* it carries a token already: a second one is ambiguous */
                    }
                    qsh_sign_params sp;
                    memset(&sp, 0, sizeof sp);
                    sp.iss = "jira:tenant";
                    sp.iss_len = strlen(sp.iss);
                    sp.iat = 1700000000;
                    sp.exp = 1700000180;
                    sp.request = m.req[i];
                    sp.secret = (const unsigned char *)secret;
                    sp.secret_len = sizeof secret - 1;
                    bad |=
                        qsh_token_sign(ctx, &sp, toks + i * TOKEN_CAP, TOKEN_CAP, &tn[i]) != QSH_OK;
                }
            }
            ss[r] = (cpu_ns() - t0) / ((double)titers * (double)(m.n - 1));
            for (size_t i = 0; i < m.n; i++) {
                snprintf(auths + i * (TOKEN_CAP + 8), TOKEN_CAP + 8, "JWT %.*s", (int)tn[i],
                         toks + i * TOKEN_CAP);
            }
            double t1 = cpu_ns();
            for (int it = 0; it < titers; it++) {
                for (size_t i = 0; i < m.n; i++) {
                    if (tn[i] == 0) {
                        continue;
                    }
                    qsh_verify_params vp;
                    memset(&vp, 0, sizeof vp);
                    vp.kind = QSH_KIND_MODULE;
                    vp.now = 1700000010;
                    vp.authorization = auths + i * (TOKEN_CAP + 8);
                    vp.authorization_len = tn[i] + 4;
                    vp.request = m.req[i];
                    vp.lookup = bench_lookup;
                    vp.lookup_ud = (void *)secret;
                    bad |= qsh_token_verify(ctx, &vp) != QSH_OK;
                }
            }
            vs[r] = (cpu_ns() - t1) / ((double)titers * (double)(m.n - 1));
        }
        printf("token sign (HS256, qsh included): %8.1f ns; verify: %8.1f ns%s\n",
               median(ss, (size_t)reps), median(vs, (size_t)reps),
               bad ? " (a token did NOT verify)" : "");
        free(ss);
        free(vs);
        free(toks);
        free(auths);
        free(tn);
    }

    char echo[4096], self[4096];
    bin_path(echo, sizeof echo, argv[0], "qshcheck-echo-impl");
    size_t ncases = 0;
    double rate = protocol_rate(echo, quick ? 1 : 5, quick ? 2 : 30, &ncases);
    printf("protocol: %zu cases through a program that answers at once: %.0f cases per second "
           "(target >= 20000: %s)\n",
           ncases, rate, mark(rate >= 20000));
    bin_path(self, sizeof self, argv[0], "qshcheck");
    double *walls = malloc(5 * sizeof *walls);
    int runs = quick ? 1 : 5, rc = 0;
    for (int r = 0; r < runs; r++) {
        char *args[] = {self, "run", NULL};
        double t0 = now_ns();
        rc |= run_child(args, 1);
        walls[r] = (now_ns() - t0) / 1e6;
    }
    printf("full corpus run against the reference (qshcheck run): %.0f ms wall%s\n",
           median(walls, (size_t)runs), rc ? " (the run FAILED)" : "");
    free(walls);

    if (compare_node) {
        /* Rounds of Node's passes, each followed at once by the reference's on the same mix;
         * the speed-up is the median of the rounds' ratios, so that both sides of each ratio
         * ran under the same load. */
        int rounds = quick ? 1 : 5;
        double speedups[5], node_all[5];
        int got = 0;
        char cmd[8192];
        snprintf(cmd, sizeof cmd, "node %s/harness/bench/atlassian-jwt-bench.js %s",
                 QSHCHECK_SOURCE_DIR, path);
        for (int r = 0; r < rounds; r++) {
            fflush(stdout);
            FILE *p = popen(cmd, "r");
            double node_ns = 0;
            char line[512];
            while (p != NULL && fgets(line, sizeof line, p) != NULL) {
                if (r == 0) {
                    fputs(line, stdout);
                }
                sscanf(line, "atlassian-jwt: %lf ns per qsh", &node_ns);
            }
            if (p == NULL || pclose(p) != 0 || node_ns <= 0) {
                break;
            }
            time_mix(&m, ctx, OP_QSH, 1, 200, buf, cap); /* warm again after Node ran */
            double ours =
                time_mix(&m, ctx, OP_QSH, quick ? 3 : 7, iters < 200 ? 200 : iters, buf, cap);
            node_all[got] = node_ns;
            speedups[got++] = node_ns / ours;
        }
        if (got < rounds) {
            printf("atlassian-jwt: could not be measured (run npm ci in harness/adapters/node)\n");
            rc = 1;
        } else {
            double sp = median(speedups, (size_t)got);
            printf("atlassian-jwt over %d rounds: %.1f ns per qsh (median)\n", got,
                   median(node_all, (size_t)got));
            printf("speed-up over atlassian-jwt: %.1fx   (target >= 20: %s; median of %d rounds, "
                   "each against the reference timed right after)\n",
                   sp, mark(sp >= 20), got);
        }
    }
    free(tq);
    free(tsha);
    return allocs == 0 && rc == 0 ? 0 : 1;
}
