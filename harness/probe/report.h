/* The probe's report: interop failures (requests a correct app accepts, not accepted) and
 * security failures (attacks accepted) apart, each with the request that shows it; text, JSON
 * or JUnit, a machine-readable one written whole or not at all. */
#ifndef QC_PROBE_REPORT_H
#define QC_PROBE_REPORT_H

#include <stdio.h>

#include "judge/report.h"
#include "probe/plan.h"
#include "probe/send.h"

typedef struct qc_probe_route {
    qc_route_kind kind;
    const char *url;
} qc_probe_route;

typedef struct qc_probe_tally {
    size_t interop, security, other_rejections;
} qc_probe_tally;

/* 1 when the result of req is a failure: an interop failure for a valid request not accepted,
 * a security failure for an attack accepted. */
int qc_probe_failed(const qc_probe_req *req, const qc_probe_result *res);

/* Writes the report; -1 when it cannot be written (out of memory, or a write error). */
int qc_probe_report(FILE *out, qc_format format, const qc_probe_route *routes, size_t nroutes,
                    const qc_probe_plan *plan, const qc_probe_result *results,
                    qc_probe_tally *tally);

#endif
