/* Sending a probe's requests over HTTP with libcurl, the target on the wire byte for byte
 * (CURLOPT_REQUEST_TARGET: curl neither normalizes nor re-encodes it). */
#ifndef QC_PROBE_SEND_H
#define QC_PROBE_SEND_H

#include <stddef.h>

#include "probe/plan.h"

typedef enum qc_probe_class {
    QC_PROBE_ACCEPTED, /* 2xx */
    QC_PROBE_REJECTED, /* 401 or 403 */
    QC_PROBE_OTHER     /* any other status, or no answer */
} qc_probe_class;

typedef struct qc_probe_result {
    long status; /* the HTTP status, 0 with no answer */
    qc_probe_class cls;
    char error[256]; /* why there was no answer, or "" */
    char body[201];  /* the start of the response body, NUL-terminated */
} qc_probe_result;

typedef struct qc_probe_sender qc_probe_sender;

/* timeout: seconds per request; rate: requests per second at most (0: no limit). NULL with err
 * when libcurl cannot start. */
qc_probe_sender *qc_probe_sender_new(double timeout, double rate, char *err, size_t errcap);
void qc_probe_send(qc_probe_sender *s, const qc_probe_req *req, qc_probe_result *out);
void qc_probe_sender_free(qc_probe_sender *s);

qc_probe_class qc_probe_classify(long status);
const char *qc_probe_class_name(qc_probe_class c);

#endif
