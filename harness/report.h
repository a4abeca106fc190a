/* Writing run results: text for people, JSON for tools. */
#ifndef QC_REPORT_H
#define QC_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "impl.h"
#include "verdict.h"

typedef enum qc_format { QC_FORMAT_TEXT, QC_FORMAT_JSON } qc_format;

typedef struct qc_report {
    qc_format format;
    FILE *out;
    size_t passed, failed, skipped;
    json_t *doc; /* JSON format: the document being built */
} qc_report;

int qc_report_begin(qc_report *r, qc_format format, FILE *out, const char *impl_name);
void qc_report_case(qc_report *r, const char *file, const qc_case *c, const qc_answer *a,
                    const qc_verdict *v);
/* Writes the totals: the closing line "N passed, N failed[, N skipped]" (on stderr for JSON,
 * whose stdout is the document alone). */
void qc_report_end(qc_report *r);

/* Writes s with non-printable bytes, '"' and '\\' escaped as in C; returns the column at which
 * byte `mark` of s was written (the escaped width before it). */
size_t qc_write_escaped(FILE *out, const char *s, size_t n, size_t mark);

#endif
