/* The record of the mock product's calls: one JSON object per call (the request, the verdict,
 * the reason, the diagnosis), written as one line of the --log file before the response goes
 * out, and kept in memory (the newest QC_CALLS_KEPT) for /_qshcheck/calls.json and the
 * dashboard. */
#ifndef QC_HTTP_CALLS_H
#define QC_HTTP_CALLS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "http/verify.h"

enum {
    QC_CALLS_KEPT = 1000,     /* calls kept in memory; the log has them all */
    QC_CALL_BODY_SHOWN = 4096 /* a longer body is recorded by its length only */
};

/* One call as a JSON line (no newline), malloc'd; NULL when out of memory. */
char *qc_call_json_line(unsigned long long id, int64_t now, const qc_http_call *c,
                        const qc_http_verdict *v);

typedef struct qc_calls {
    pthread_mutex_t lock;
    int log_fd; /* -1 for no log */
    unsigned long long next_id;
    unsigned long long total;
    char *ring[QC_CALLS_KEPT]; /* lines, ring[(total - 1) % KEPT] the newest */
    int log_failed;            /* a write to the log failed: said once on stderr */
} qc_calls;

/* Opens the log for appending (path NULL: none). 0, or -1 with errno set. */
int qc_calls_init(qc_calls *cs, const char *log_path);
void qc_calls_free(qc_calls *cs);

/* The id the next call gets. */
unsigned long long qc_calls_next_id(qc_calls *cs);

/* Appends the line to the log with one write and keeps it (taking it over). 0, or -1 when the
 * log could not be written (the call is kept all the same). */
int qc_calls_add(qc_calls *cs, char *line);

/* The kept calls, newest first, as a JSON document {"total":N,"kept":K,"calls":[...]}, or as
 * the dashboard page; malloc'd, NULL when out of memory. */
char *qc_calls_json(qc_calls *cs, size_t *len);
char *qc_calls_dashboard(qc_calls *cs, const char *base_url, size_t *len);

#endif
