/* Turning a vector case into a qsh_request. */
#ifndef QC_REQUEST_H
#define QC_REQUEST_H

#include "qsh/qsh.h"
#include "vectors.h"

/* Parses "server" or "product". Returns 0, or -1 for anything else. */
int qc_profile_parse(const char *s, size_t n, qsh_profile *out);

/* Fills req from the case's input. Returns -1 when its profile is unknown. */
int qc_request_from_case(const qc_case *c, qsh_request *req);

#endif
