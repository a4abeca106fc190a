/* Writing run results: text for people; JSON, JUnit XML and TAP for tools. */
#ifndef QC_REPORT_H
#define QC_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "impl/impl.h"
#include "judge/verdict.h"

typedef enum qc_format { QC_FORMAT_TEXT, QC_FORMAT_JSON, QC_FORMAT_JUNIT, QC_FORMAT_TAP } qc_format;

typedef struct qc_report {
    qc_format format;
    FILE *out;
    size_t passed, failed, skipped, xfailed;
    size_t restarts; /* of the implementation's program, set before qc_report_end */
    size_t tap_n;
    json_t *doc;  /* JSON: the document being built */
    json_t *file; /* JSON: the current file's tallies, in doc's "files" */
    /* JUnit: the current file's test cases, written once its counts are known */
    char *suite_buf;
    size_t suite_len;
    FILE *suite;
    const char *suite_name;
    size_t suite_tests, suite_failures, suite_skipped;
    char impl_name[200];
} qc_report;

/* Parses "text", "json", "junit" or "tap". 0, or -1. */
int qc_format_parse(const char *s, qc_format *out);

int qc_report_begin(qc_report *r, qc_format format, FILE *out, const char *impl_name);
void qc_report_file_begin(qc_report *r, const char *file_stem);
/* key is FILE_STEM/TCID. */
void qc_report_case(qc_report *r, const char *file, const char *key, const qc_case *c,
                    const qc_answer *a, const qc_verdict *v);
void qc_report_file_end(qc_report *r);
/* Writes the totals. The closing line "N passed, N failed[, N skipped]" goes to stdout for
 * text and to stderr for the other formats, whose stdout is the document alone. */
void qc_report_end(qc_report *r);
/* Ends a run that cannot finish: closes a JUnit document, bails out of TAP, writes no JSON;
 * frees what the report holds. */
void qc_report_abandon(qc_report *r);

/* The length of the UTF-8 character at the start of s[0..n): 1 to 4, or 0 when the bytes there
 * are not UTF-8 (overlong forms, surrogates and code points above U+10FFFF are not). */
size_t qc_utf8_char(const char *s, size_t n);

/* Writes s with non-printable bytes, '"' and '\\' escaped as in C; returns the column at which
 * byte `mark` of s was written (the escaped width before it). */
size_t qc_write_escaped(FILE *out, const char *s, size_t n, size_t mark);

/* Writes text from vectors, programs, lists or requests for people: UTF-8 as it is, and what a
 * terminal would act on or cannot show (control bytes, bytes outside UTF-8) as \xNN. Every
 * command's text output goes through it (or qc_write_escaped, for quoted values). */
void qc_write_text(FILE *out, const char *s, size_t n);
void qc_write_cstr(FILE *out, const char *s);
/* The same, returning the column at which byte `mark` was written (to point at it). */
size_t qc_write_text_at(FILE *out, const char *s, size_t n, size_t mark);
/* "qshcheck: MSG" on stderr, MSG written as text: an error that names a file or an input. */
void qc_print_error(const char *msg);

#endif
