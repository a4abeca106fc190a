/* The query shapes a probe sends: the queries of the corpus's valid GET cases (parsing, order,
 * escapes, repeats, the documented examples), which every correct app accepts from a product. */
#ifndef QC_PROBE_QUERIES_H
#define QC_PROBE_QUERIES_H

#include <stddef.h>

enum {
    QC_PROBE_FILES = 4,     /* the corpus files read */
    QC_PROBE_PER_FILE = 64, /* the most queries taken from one, spread evenly over it */
    QC_PROBE_MAX_QUERIES = QC_PROBE_FILES * QC_PROBE_PER_FILE
};

/* Fills out[0..n) with new strings, each query once, none with a jwt parameter of its own (the
 * probe adds the token); returns n, or (size_t)-1 with err when a file cannot be loaded or
 * memory runs out. */
size_t qc_probe_corpus_queries(const char *dir, char *out[QC_PROBE_MAX_QUERIES], char *err,
                               size_t errcap);

/* 1 when s[0..n) is visible ASCII without '#', what a request line carries as it is (a '#'
 * would begin a fragment, which is never sent); else 0. */
int qc_probe_on_the_wire(const char *s, size_t n);

/* A NUL-terminated copy of s[0..n) (malloc'd), or NULL when out of memory. */
char *qc_probe_dup(const char *s, size_t n);

#endif
