/* Turning a vector case into a qsh_request. */
#ifndef QC_REQUEST_H
#define QC_REQUEST_H

#include "qsh/qsh.h"
#include "corpus/vectors.h"

/* Parses "server" or "product". Returns 0, or -1 for anything else. */
int qc_profile_parse(const char *s, size_t n, qsh_profile *out);

/* Fills req from NUL-terminated command-line strings, profile SERVER. base_url may be NULL
 * (none); body and content_type may be NULL (no body). */
void qc_request_from_args(qsh_request *req, const char *method, const char *target,
                          const char *base_url, const char *body, const char *content_type);

/* Fills req from the case's input. Returns -1 when its profile is unknown. */
int qc_request_from_case(const qc_case *c, qsh_request *req);

#endif
