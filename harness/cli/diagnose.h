/* `qshcheck diagnose`'s findings and their report: what the command gathers about each value
 * (cmd_diagnose.c), written for people or as JSON (diagnose_report.c). */
#ifndef QC_DIAGNOSE_H
#define QC_DIAGNOSE_H

#include <stddef.h>

#include "mistakes/explain.h"
#include "qsh/qsh.h"

enum { QC_DIAG_MAX_FOUND = 16 };

typedef struct qc_dvalue {
    const char *role; /* "expected" or "claimed" */
    char hex[QSH_HEX_SIZE];
    int given;
    int level; /* from qc_ways_explain */
    size_t found[QC_DIAG_MAX_FOUND], nfound;
} qc_dvalue;

enum { QC_DIAG_MAX_NOTES = 4 };

/* Everything a diagnosis uses, gathered by the parsing steps and filled by the analysis. */
typedef struct qc_diagnosis {
    qc_dvalue vals[2]; /* expected, claimed */
    unsigned profiles;
    qsh_request req;
    char base_url[512]; /* the base URL the analysis took: given, or a context path's */
    qc_ways ws;
    char notes[QC_DIAG_MAX_NOTES][640]; /* said before the values, and in JSON */
    size_t nnotes;
} qc_diagnosis;

void qc_diagnosis_print_text(const qc_diagnosis *d);
void qc_diagnosis_print_json(const qc_diagnosis *d);
/* --json when the rules reject the request: a document that says so, not silence. */
void qc_diagnosis_print_rejected(const qc_diagnosis *d, qsh_status st);

#endif
