/* The interface through which the harness runs any implementation: the built-in reference, a
 * program speaking the line protocol, or a C plugin (run in a child process through the same
 * protocol, so that its crashes are contained): those two are harness/protocol/'s. The harness
 * knows the reference only through this table, like every other implementation. */
#ifndef QC_IMPL_H
#define QC_IMPL_H

#include <stddef.h>

#include "corpus/vectors.h"
#include "qsh/limits.h"

typedef enum qc_outcome {
    QC_OUT_OK,      /* answered: request and/or qsh are set */
    QC_OUT_ERROR,   /* rejected the input: status names why */
    QC_OUT_SKIPPED, /* the implementation does not support this case's operation or profile */
    QC_OUT_BROKEN   /* the implementation failed (crash, hang, protocol error): status says how */
} qc_outcome;

typedef struct qc_answer {
    qc_outcome outcome;
    char status[512]; /* QC_OUT_ERROR: a status name; SKIPPED and BROKEN: the reason */
    char *request;    /* malloc'd canonical request, or NULL when only a qsh was given */
    size_t request_len;
    size_t method_len, uri_off, uri_len, query_off, query_len;
    int has_qsh;
    char qsh[QSH_HEX_SIZE];
} qc_answer;

typedef struct qc_impl {
    char name[128];
    char version[64];
    void *state;
    /* Answers cases[0..n) into answers[0..n), which the caller then owns. */
    void (*run)(void *state, const qc_case *cases, size_t n, qc_answer *answers);
    void (*destroy)(void *state);
} qc_impl;

void qc_answer_clear(qc_answer *ans);

/* Sets ans->request to a copy of req[0..n) and finds its parts: the method ends at the first
 * "&/", the URI at the next '&' (a canonical URI has no raw '&'). -1 when out of memory. */
int qc_answer_set_request(qc_answer *ans, const char *req, size_t n);

/* The built-in reference implementation. Returns 0, or -1 when out of memory. */
int qc_impl_ref(qc_impl *impl);

#endif
