#include "explain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impl.h"
#include "mistakes.h"

static qsh_status add_way(qc_ways *ws, qsh_profile p, int a, int b) {
    if (ws->n == ws->cap) {
        size_t cap = ws->cap ? ws->cap * 2 : 64;
        qc_way *grown = realloc(ws->w, cap * sizeof *grown);
        if (grown == NULL) {
            return QSH_E_NO_MEMORY;
        }
        ws->w = grown;
        ws->cap = cap;
    }
    qc_way *w = &ws->w[ws->n];
    memset(w, 0, sizeof *w);
    w->profile = p;
    w->mistake[0] = a;
    w->mistake[1] = b;
    qsh_request r = ws->req;
    r.profile = p;
    uint64_t mask = (a >= 0 ? (uint64_t)1 << a : 0) | (b >= 0 ? (uint64_t)1 << b : 0);
    qsh_status st = qc_mistaken_canonical(ws->ctx, &r, mask, &w->request, &w->len);
    if (st == QSH_OK) {
        st = qsh_sha256_hex(ws->ctx, w->request, w->len, w->hex);
    }
    if (st != QSH_OK) {
        free(w->request);
        return st;
    }
    ws->n++;
    return QSH_OK;
}

static int tried_profile(const qc_ways *ws, qsh_profile p) {
    return (ws->profiles & (1u << p)) != 0 && qc_ways_correct(ws, p) != NULL;
}

/* Adds every way of the next level. */
static qsh_status add_level(qc_ways *ws) {
    int level = ws->levels;
    size_t before = ws->n;
    for (int p = QSH_PROFILE_SERVER; p <= QSH_PROFILE_PRODUCT; p++) {
        if (!tried_profile(ws, (qsh_profile)p)) {
            continue;
        }
        for (int a = 0; a < QC_MISTAKE_COUNT; a++) {
            /* level 1: mistake a alone; level 2: a with each later one */
            for (int b = level == 1 ? -1 : a + 1; b < QC_MISTAKE_COUNT; b++) {
                qsh_status st = add_way(ws, (qsh_profile)p, a, b);
                if (st == QSH_E_NO_MEMORY) {
                    return st;
                }
                if (level == 1) {
                    break;
                }
            }
        }
    }
    ws->tried[level] = ws->n - before;
    ws->levels++;
    return QSH_OK;
}

qsh_status qc_ways_init(qc_ways *ws, qsh_ctx *ctx, const qsh_request *req, unsigned profiles) {
    memset(ws, 0, sizeof *ws);
    ws->ctx = ctx;
    ws->req = *req;
    ws->profiles = profiles;
    qsh_status first = QSH_E_PROFILE_INVALID;
    for (int p = QSH_PROFILE_SERVER; p <= QSH_PROFILE_PRODUCT; p++) {
        if (profiles & (1u << p)) {
            qsh_status st = add_way(ws, (qsh_profile)p, -1, -1);
            if (st == QSH_E_NO_MEMORY) {
                return st;
            }
            first = first == QSH_E_PROFILE_INVALID ? st : first;
        }
    }
    ws->tried[0] = ws->n;
    ws->levels = 1;
    return ws->n > 0 ? QSH_OK : first;
}

void qc_ways_free(qc_ways *ws) {
    for (size_t i = 0; i < ws->n; i++) {
        free(ws->w[i].request);
    }
    free(ws->w);
    memset(ws, 0, sizeof *ws);
}

const qc_way *qc_ways_correct(const qc_ways *ws, qsh_profile p) {
    for (size_t i = 0; i < ws->tried[0] && i < ws->n; i++) {
        if (ws->w[i].profile == p) {
            return &ws->w[i];
        }
    }
    return NULL;
}

static int way_level(const qc_way *w) {
    return (w->mistake[0] >= 0) + (w->mistake[1] >= 0);
}

static int way_after(const qc_way *a, const qc_way *b) {
    if (a->mistake[0] != b->mistake[0]) {
        return a->mistake[0] > b->mistake[0];
    }
    if (a->mistake[1] != b->mistake[1]) {
        return a->mistake[1] > b->mistake[1];
    }
    return a->profile > b->profile;
}

int qc_ways_explain(qc_ways *ws, const char *value, size_t n, int by_hex, size_t *found, size_t cap,
                    size_t *nfound) {
    *nfound = 0;
    for (int level = 0; level < 3; level++) {
        if (ws->levels <= level && add_level(ws) != QSH_OK) {
            return -2;
        }
        for (size_t i = 0; i < ws->n; i++) {
            const qc_way *w = &ws->w[i];
            int same = by_hex ? (n == 64 && memcmp(w->hex, value, 64) == 0)
                              : (w->len == n && memcmp(w->request, value, n) == 0);
            if (way_level(w) == level && same && *nfound < cap) {
                found[(*nfound)++] = i;
            }
        }
        if (*nfound > 0) {
            /* by mistakes, then profile: one mistake's two profiles end up side by side */
            for (size_t i = 1; i < *nfound; i++) {
                for (size_t j = i; j > 0 && way_after(&ws->w[found[j - 1]], &ws->w[found[j]]);
                     j--) {
                    size_t t = found[j];
                    found[j] = found[j - 1];
                    found[j - 1] = t;
                }
            }
            return level;
        }
    }
    return -1;
}

void qc_way_label(const qc_way *w, char *buf, size_t cap) {
    if (w->mistake[0] < 0) {
        snprintf(buf, cap, "the correct rules");
    } else if (w->mistake[1] < 0) {
        snprintf(buf, cap, "%s", qc_mistakes[w->mistake[0]].name);
    } else {
        snprintf(buf, cap, "%s + %s", qc_mistakes[w->mistake[0]].name,
                 qc_mistakes[w->mistake[1]].name);
    }
}

int qc_first_difference(const char *a, size_t an, const char *b, size_t bn, const char **part,
                        size_t *offset) {
    size_t i = 0;
    while (i < an && i < bn && a[i] == b[i]) {
        i++;
    }
    if (i == an && i == bn) {
        return -1;
    }
    size_t method_len, uri_off, uri_len, query_off;
    qc_split_request(a, an, &method_len, &uri_off, &uri_len, &query_off);
    *part = i <= method_len ? "method" : i <= uri_off + uri_len ? "uri" : "query";
    *offset = i;
    return 0;
}
