#include "mistakes/explain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mistakes/catalogue.h"

static qsh_status add_way(qc_ways *ws, qsh_profile p, const int m[QC_WAY_MAX]) {
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
    uint64_t mask = 0;
    for (int i = 0; i < QC_WAY_MAX; i++) {
        w->mistake[i] = m[i];
        mask |= m[i] >= 0 ? (uint64_t)1 << m[i] : 0;
    }
    qsh_request r = ws->req;
    r.profile = p;
    /* level 0 runs the rules' checks; a way with mistakes comes only after its profile's
     * level 0 succeeded, so the checks need not run again for each of its hundreds */
    qsh_status st = mask == 0 ? qc_mistaken_canonical(ws->ctx, &r, 0, &w->request, &w->len)
                              : qc_mistaken_canonical_checked(&r, mask, &w->request, &w->len);
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

/* Adds the ways of profile p that combine `level` mistakes, each later in the catalogue than
 * m[0..depth), which are fixed already. */
static qsh_status add_combinations(qc_ways *ws, qsh_profile p, int level, int m[QC_WAY_MAX],
                                   int depth) {
    if (depth == level) {
        qsh_status st = add_way(ws, p, m);
        return st == QSH_E_NO_MEMORY ? st : QSH_OK;
    }
    for (int k = depth == 0 ? 0 : m[depth - 1] + 1; k < QC_MISTAKE_COUNT; k++) {
        m[depth] = k;
        if (add_combinations(ws, p, level, m, depth + 1) != QSH_OK) {
            return QSH_E_NO_MEMORY;
        }
    }
    m[depth] = -1;
    return QSH_OK;
}

/* Adds every way of the next level. */
static qsh_status add_level(qc_ways *ws) {
    int level = ws->levels;
    size_t before = ws->n;
    for (int p = QSH_PROFILE_SERVER; p <= QSH_PROFILE_PRODUCT; p++) {
        int m[QC_WAY_MAX] = {-1, -1, -1};
        if (tried_profile(ws, (qsh_profile)p) &&
            add_combinations(ws, (qsh_profile)p, level, m, 0) != QSH_OK) {
            return QSH_E_NO_MEMORY;
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
    ws->max_level = 2;
    qsh_status first = QSH_E_PROFILE_INVALID;
    for (int p = QSH_PROFILE_SERVER; p <= QSH_PROFILE_PRODUCT; p++) {
        if (profiles & (1u << p)) {
            int none[QC_WAY_MAX] = {-1, -1, -1};
            qsh_status st = add_way(ws, (qsh_profile)p, none);
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
    int n = 0;
    for (int i = 0; i < QC_WAY_MAX; i++) {
        n += w->mistake[i] >= 0;
    }
    return n;
}

static int way_after(const qc_way *a, const qc_way *b) {
    for (int i = 0; i < QC_WAY_MAX; i++) {
        if (a->mistake[i] != b->mistake[i]) {
            return a->mistake[i] > b->mistake[i];
        }
    }
    return a->profile > b->profile;
}

int qc_ways_explain(qc_ways *ws, const char *value, size_t n, int by_hex, size_t *found, size_t cap,
                    size_t *nfound) {
    *nfound = 0;
    for (int level = 0; level <= ws->max_level && level <= QC_WAY_MAX; level++) {
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
    size_t n = 0;
    snprintf(buf, cap, "the correct rules");
    for (int i = 0; i < QC_WAY_MAX && w->mistake[i] >= 0 && n < cap; i++) {
        int k = snprintf(buf + n, cap - n, "%s%s", i ? " + " : "", qc_mistakes[w->mistake[i]].name);
        n += k > 0 ? (size_t)k : 0;
    }
}
