/* Explaining a canonical request or a qsh with the mistake catalogue: every way of
 * canonicalizing a request (a profile, and no mistake, one, or two of them) that gives it.
 * Shared by `qshcheck diagnose` and `qshcheck fuzz-diff`. */
#ifndef QC_EXPLAIN_H
#define QC_EXPLAIN_H

#include <stddef.h>

#include "qsh/qsh.h"

enum { QC_WAY_MAX = 3 }; /* the most mistakes a way combines */

/* One way: a profile and up to QC_WAY_MAX mistakes (-1 for none), and what it gives. */
typedef struct qc_way {
    qsh_profile profile;
    int mistake[QC_WAY_MAX];
    char *request;
    size_t len;
    char hex[QSH_HEX_SIZE];
} qc_way;

typedef struct qc_ways {
    qsh_ctx *ctx;
    qsh_request req;   /* its profile is ignored: each way has its own */
    unsigned profiles; /* bit 1 << QSH_PROFILE_x for each profile tried */
    int levels;        /* levels computed so far */
    int max_level;     /* the most mistakes tried together: 2 unless the caller sets it */
    qc_way *w;
    size_t n, cap;
    size_t tried[QC_WAY_MAX + 1]; /* ways per level */
} qc_ways;

/* The ways that give `value` at the lowest level that has any: value is a qsh (64 hex digits,
 * by_hex) or a canonical request. Computes levels as needed, up to max_level mistakes. Fills
 * found[0..*nfound) with indices into ways->w (at most cap) and returns the level (0 for the
 * correct rules), -1 when no way gives it, or -2 when out of memory. */
int qc_ways_explain(qc_ways *ways, const char *value, size_t n, int by_hex, size_t *found,
                    size_t cap, size_t *nfound);

/* Starts with the correct canonical request of each profile (level 0). Returns the
 * reference's status when the rules reject the request in every profile tried. */
qsh_status qc_ways_init(qc_ways *ways, qsh_ctx *ctx, const qsh_request *req, unsigned profiles);
void qc_ways_free(qc_ways *ways);

/* The correct way (level 0) of a profile, or NULL when the rules reject it there. */
const qc_way *qc_ways_correct(const qc_ways *ways, qsh_profile p);

/* "ContextPathNotStripped", "A + B", "A + B + C", or "the correct rules". */
void qc_way_label(const qc_way *w, char *buf, size_t cap);

#endif
