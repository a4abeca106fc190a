/* The interface through which the harness runs any implementation. The built-in reference is
 * one implementation among others; the harness knows it only through this table. */
#ifndef QC_IMPL_H
#define QC_IMPL_H

#include <stddef.h>

#include "vectors.h"

typedef enum qc_outcome {
    QC_OUT_OK,      /* canonicalized: the fields below are set */
    QC_OUT_ERROR,   /* rejected the input: status names why */
    QC_OUT_SKIPPED, /* the implementation does not support this operation */
    QC_OUT_BROKEN   /* the implementation itself failed (crash, protocol error, ...) */
} qc_outcome;

typedef struct qc_answer {
    qc_outcome outcome;
    char status[96]; /* for QC_OUT_ERROR and QC_OUT_BROKEN: a status name or a reason */
    char *request;   /* malloc'd canonical request; the parts are spans of it */
    size_t request_len;
    size_t method_len, uri_off, uri_len, query_off, query_len;
    char qsh[65];
} qc_answer;

typedef struct qc_impl {
    const char *name;
    void *state;
    /* Canonicalizes one case's input into *ans (which it owns until qc_answer_clear). */
    void (*canonical)(void *state, const qc_case *c, qc_answer *ans);
    void (*destroy)(void *state);
} qc_impl;

void qc_answer_clear(qc_answer *ans);

/* The built-in reference implementation. Returns 0, or -1 when out of memory. */
int qc_impl_ref(qc_impl *impl);

#endif
