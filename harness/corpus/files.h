/* The vector files a command reads. */
#ifndef QC_FILES_H
#define QC_FILES_H

#include <stddef.h>

/* The bundled corpus: $QSHCHECK_VECTORS, else ../share/qshcheck/vectors beside the running
 * program's folder (an installed qshcheck), else the vectors/ folder of the source tree. */
const char *qc_default_vectors_dir(void);

/* The corpusVersion that every vector file of dir carries. Returns 0, or -1 with a message
 * when a file cannot be read, has none, or differs from the others. */
int qc_corpus_version(const char *dir, char *out, size_t cap, char *err, size_t errcap);

/* A list of vector files: each FILE as given, each DIR as its *.json files but an npm
 * package.json and index.json, sorted. */
typedef struct qc_files {
    char **paths;
    size_t count;
} qc_files;

/* Expands args (or the default corpus when nargs is 0). Returns 0, or -1 with a message. */
int qc_files_expand(char **args, int nargs, qc_files *out, char *err, size_t errcap);
void qc_files_free(qc_files *f);

#endif
