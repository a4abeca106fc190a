#include "fuzzdiff/grammar.h"

#include <stdio.h>
#include <string.h>

/* Atoms as they go on the wire. Each list mixes plain text with the characters that libraries
 * get wrong: reserved and sub-delimiter characters raw and escaped, escapes in both cases,
 * '+' and spaces, multi-byte UTF-8 (one outside the BMP, where UTF-16 order differs), and a
 * few inputs the rules reject, so that leniency shows too. */
static const char *const names[] = {
    "a",      "b",      "c",     "A",     "Z",     "_x",  "x.y", "a+b",       "a%20b",        "~t",
    "%7Et",   "%7et",   "jwt",   "JWT",   "Jwt",   "1",   "2",   "10",        "a%5B%5D",      "a[]",
    "%C3%A9", "%c3%a9", "n%26m", "x%3Dy", "!'()*", "%2B", "a;b", "%EF%BC%A1", "%F0%9F%98%80", "z",
};
static const char *const values[] = {
    "",    "1",   "2",     "b",   "B",      "a+b",          "a%20b",     "%2B",  "+",   "b=c",
    "~",   "%7E", "!'()*", "%21", "%C3%A9", "%F0%9F%98%80", "%EF%BC%A1", "null", "%25", "a;b",
    "x,y", "%2C", ":@",    "/?",  "a%2Fb",  "%3d",          "10",        "9",
};
static const char *const bad[] = {"%", "%zz", "%C3", "%FF", "%E2%82"};
static const char *const segs[] = {
    "rest",   "api", "2",   "content", "issue", "a%20b", "~x",  "%7E", "a&b", "%26", "%2F",
    "%C3%A9", "(x)", "a+b", "",        ":@",    "%3B",   "x;y", "%2e", "%41", "A",
};
static const char *const bases[] = {
    "",
    "https://t.atlassian.net",
    "https://t.atlassian.net/wiki",
    "https://t.atlassian.net/wiki/",
    "https://app.example.com/connect",
    "https://t.atlassian.net/jira%2Dx",
};
/* The base path as a first segment, and a segment that only starts like it. */
static const char *const base_seg[][2] = {
    {"", ""},
    {"", ""},
    {"wiki", "wikipedia"},
    {"wiki", "wiki2"},
    {"connect", "connector"},
    {"jira-x", "jira%2Dx"},
};
static const char *const methods[] = {"GET",    "GET", "GET",  "POST", "PUT",
                                      "DELETE", "get", "Post", "PATCH"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

void fg_rng_seed(fg_rng *r, uint64_t seed) {
    r->s = seed * 0x9E3779B97F4A7C15u + 0x2545F4914F6CDD1Du;
    if (r->s == 0) {
        r->s = 1;
    }
}

static uint64_t next(fg_rng *r) {
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545F4914F6CDD1Du;
}

static size_t pick(fg_rng *r, size_t n) {
    return (size_t)(next(r) % n);
}

static int chance(fg_rng *r, unsigned percent) {
    return pick(r, 100) < percent;
}

/* dst = a b c. The atoms are short enough that a piece never reaches FG_PIECE; were one to,
 * it would be cut, which still makes a request (of a kind the grammar does not aim at). */
static void set(char *dst, const char *a, const char *b, const char *c) {
    const char *parts[3] = {a, b, c};
    size_t n = 0;
    for (int i = 0; i < 3; i++) {
        for (const char *p = parts[i]; *p != '\0' && n + 1 < FG_PIECE; p++) {
            dst[n++] = *p;
        }
    }
    dst[n] = '\0';
}

/* One parameter piece; repeats a name already used with some probability. */
static void piece(fg_rng *r, char *dst, char used[][FG_PIECE], int nused) {
    const char *name = names[pick(r, COUNT(names))];
    const char *value = chance(r, 3) ? bad[pick(r, COUNT(bad))] : values[pick(r, COUNT(values))];
    char rep[FG_PIECE];
    if (nused > 0 && chance(r, 40)) {
        snprintf(rep, sizeof rep, "%s", used[pick(r, (size_t)nused)]);
        rep[strcspn(rep, "=")] = '\0'; /* the name of an earlier piece */
        name = rep;
    } else if (chance(r, 3)) {
        name = bad[pick(r, COUNT(bad))];
    }
    size_t kind = pick(r, 20);
    if (kind == 0) {
        set(dst, name, "", ""); /* no '=' */
    } else if (kind == 1) {
        set(dst, "=", value, ""); /* empty name */
    } else if (kind == 2) {
        dst[0] = '\0'; /* an empty piece: "&&" */
    } else {
        set(dst, name, "=", value);
    }
}

void fg_generate(fg_rng *r, int product_ok, fg_req *q) {
    memset(q, 0, sizeof *q);
    snprintf(q->method, sizeof q->method, "%s", methods[pick(r, COUNT(methods))]);
    q->base = chance(r, 70) ? (int)(1 + pick(r, COUNT(bases) - 1)) : 0;
    q->absolute = q->base != 0 && chance(r, 15);
    q->product = product_ok && chance(r, 25);
    if (base_seg[q->base][0][0] != '\0' && chance(r, 70)) {
        set(q->seg[q->nseg++], base_seg[q->base][chance(r, 15)], "", "");
    }
    int more = (int)pick(r, 4);
    for (int i = 0; i < more && q->nseg < FG_MAX_SEG; i++) {
        const char *s = chance(r, 3) ? bad[pick(r, 2)] : segs[pick(r, COUNT(segs))];
        set(q->seg[q->nseg++], s, "", "");
    }
    q->trailing = chance(r, 20);
    q->nq = (int)pick(r, FG_MAX_PIECES + 1);
    for (int i = 0; i < q->nq; i++) {
        piece(r, q->q[i], q->q, i);
    }
    q->question = q->nq == 0 && chance(r, 30);
    char up[8];
    for (size_t i = 0; i < sizeof up; i++) {
        char c = q->method[i];
        up[i] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
    }
    if ((strcmp(up, "POST") == 0 || strcmp(up, "PUT") == 0) && chance(r, 60)) {
        q->form = 1;
        q->nb = (int)pick(r, 5);
        for (int i = 0; i < q->nb; i++) {
            piece(r, q->b[i], q->q, q->nq);
        }
    }
    if (chance(r, 5)) {
        snprintf(q->frag, sizeof q->frag, "%s", chance(r, 50) ? "#f" : "#a?b=c");
    }
}

/* Appends s to dst[*n..cap); stops quietly at cap (the buffers are sized for the grammar). */
static void put(char *dst, size_t cap, size_t *n, const char *s) {
    size_t len = strlen(s);
    if (*n + len < cap) {
        memcpy(dst + *n, s, len + 1);
        *n += len;
    }
}

static void join(char *dst, size_t cap, size_t *n, const char (*p)[FG_PIECE], int count) {
    for (int i = 0; i < count; i++) {
        if (i > 0) {
            put(dst, cap, n, "&");
        }
        put(dst, cap, n, p[i]);
    }
}

void fg_render(const fg_req *q, fg_case *fc) {
    memset(fc, 0, sizeof *fc);
    size_t n = 0;
    snprintf(fc->method, sizeof fc->method, "%s", q->method);
    snprintf(fc->profile, sizeof fc->profile, "%s", q->product ? "product" : "server");
    snprintf(fc->base_url, sizeof fc->base_url, "%s", bases[q->base]);
    if (q->absolute) { /* the base URL's origin: up to the first '/' after "https://" */
        const char *slash = strchr(bases[q->base] + 8, '/');
        size_t len = slash ? (size_t)(slash - bases[q->base]) : strlen(bases[q->base]);
        memcpy(fc->target, bases[q->base], len);
        fc->target[len] = '\0';
        n = len;
    }
    for (int i = 0; i < q->nseg; i++) {
        put(fc->target, sizeof fc->target, &n, "/");
        put(fc->target, sizeof fc->target, &n, q->seg[i]);
    }
    if (q->nseg == 0 || q->trailing) {
        put(fc->target, sizeof fc->target, &n, "/");
    }
    if (q->nq > 0 || q->question) {
        put(fc->target, sizeof fc->target, &n, "?");
        join(fc->target, sizeof fc->target, &n, q->q, q->nq);
    }
    put(fc->target, sizeof fc->target, &n, q->frag);
    qc_case *c = &fc->c;
    c->method = (qc_str){fc->method, strlen(fc->method)};
    c->target = (qc_str){fc->target, n};
    c->base_url = (qc_str){fc->base_url, strlen(fc->base_url)};
    c->profile = (qc_str){fc->profile, strlen(fc->profile)};
    if (q->form) {
        size_t bn = 0;
        join(fc->body, sizeof fc->body, &bn, q->b, q->nb);
        snprintf(fc->content_type, sizeof fc->content_type, "%s",
                 "application/x-www-form-urlencoded");
        c->body = (qc_str){fc->body, bn};
        c->content_type = (qc_str){fc->content_type, strlen(fc->content_type)};
        c->has_body = 1;
    }
}

static void drop(char (*p)[FG_PIECE], int *count, int i) {
    memmove(p[i], p[i + 1], (size_t)(*count - i - 1) * FG_PIECE);
    (*count)--;
}

size_t fg_shrink_steps(const fg_req *q, fg_req *out, size_t cap) {
    size_t n = 0;
#define STEP(change)                                                                               \
    do {                                                                                           \
        if (n < cap) {                                                                             \
            out[n] = *q;                                                                           \
            fg_req *s = &out[n];                                                                   \
            change;                                                                                \
            n += memcmp(s, q, sizeof *q) != 0;                                                     \
        }                                                                                          \
    } while (0)
    for (int i = 0; i < q->nq; i++) {
        STEP(drop(s->q, &s->nq, i));
    }
    for (int i = 0; i < q->nb; i++) {
        STEP(drop(s->b, &s->nb, i));
    }
    for (int i = 0; i < q->nseg; i++) {
        STEP(drop(s->seg, &s->nseg, i));
    }
    STEP(s->form = 0; s->nb = 0; memset(s->b, 0, sizeof s->b));
    STEP(s->frag[0] = '\0');
    STEP(s->absolute = 0);
    STEP(s->trailing = 0);
    STEP(s->question = 0);
    STEP(s->product = 0);
    STEP(s->base = 0; s->absolute = 0);
    STEP(if (!s->form) snprintf(s->method, sizeof s->method, "GET"));
    /* then each character of each piece */
    for (int i = 0; i < q->nq; i++) {
        for (size_t j = 0; j < strlen(q->q[i]); j++) {
            STEP(memmove(s->q[i] + j, s->q[i] + j + 1, FG_PIECE - j - 1));
        }
    }
    for (int i = 0; i < q->nb; i++) {
        for (size_t j = 0; j < strlen(q->b[i]); j++) {
            STEP(memmove(s->b[i] + j, s->b[i] + j + 1, FG_PIECE - j - 1));
        }
    }
    for (int i = 0; i < q->nseg; i++) {
        for (size_t j = 0; j < strlen(q->seg[i]); j++) {
            STEP(memmove(s->seg[i] + j, s->seg[i] + j + 1, FG_PIECE - j - 1));
        }
    }
#undef STEP
    return n;
}
