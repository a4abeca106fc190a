/* Splitting a request target or a base URL into origin, path and query. */
#ifndef QSH_TARGET_H
#define QSH_TARGET_H

#include "cursor.h"
#include "qsh/status.h"

typedef struct qsh_origin {
    qsh_cur scheme; /* compared case-insensitively */
    qsh_cur host;   /* compared case-insensitively */
    unsigned port;  /* explicit, or 80 / 443 by scheme */
} qsh_origin;

typedef struct qsh_target {
    int absolute; /* 1 when the target was "scheme://authority..." and origin is set */
    qsh_origin origin;
    qsh_cur path;
    qsh_cur query; /* empty when there is none */
    int has_query; /* a '?' was present */
    int has_fragment;
    int path_has_pct; /* the path holds a '%' (its escapes need checking) */
    int path_has_amp; /* the path holds a '&' (written %26) */
} qsh_target;

/* Splits a request target; every byte must already be a wire byte. Fails with
 * QSH_E_URL_SCHEME or QSH_E_URL_INVALID for a bad absolute URL. With query_to_end, the query
 * runs to the end of t, fragment included, and has_fragment is not set: the caller's query
 * parser stops at the first '#' (it reads every byte anyway). */
qsh_status target_split(qsh_cur t, int query_to_end, qsh_target *out);

/* 1 when both origins are the same. */
int origin_equal(const qsh_origin *a, const qsh_origin *b);

#endif
