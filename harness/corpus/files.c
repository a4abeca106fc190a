/* Which vector files a command reads: the bundled corpus, or the files and folders given. */
#include "corpus/files.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef QSHCHECK_VECTORS_DIR
#define QSHCHECK_VECTORS_DIR "vectors"
#endif

const char *qc_default_vectors_dir(void) {
    const char *env = getenv("QSHCHECK_VECTORS");
    return (env != NULL && env[0] != '\0') ? env : QSHCHECK_VECTORS_DIR;
}

static int push(qc_files *f, const char *path) {
    char **p = realloc(f->paths, (f->count + 1) * sizeof *p);
    if (p == NULL) {
        return -1;
    }
    f->paths = p;
    f->paths[f->count] = strdup(path);
    if (f->paths[f->count] == NULL) {
        return -1;
    }
    f->count++;
    return 0;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int expand_dir(const char *dir, qc_files *out, char *err, size_t errcap) {
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t first = out->count;
    if (d == NULL) {
        snprintf(err, errcap, "cannot open folder %s", dir);
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0 && e->d_name[0] != '.') {
            size_t len = strlen(dir) + n + 2;
            char *p = malloc(len);
            if (p == NULL || (snprintf(p, len, "%s/%s", dir, e->d_name), push(out, p) != 0)) {
                free(p);
                closedir(d);
                snprintf(err, errcap, "out of memory");
                return -1;
            }
            free(p);
        }
    }
    closedir(d);
    if (out->count == first) {
        snprintf(err, errcap, "no .json vector files in %s", dir);
        return -1;
    }
    qsort(out->paths + first, out->count - first, sizeof *out->paths, cmp_str);
    return 0;
}

int qc_files_expand(char **args, int nargs, qc_files *out, char *err, size_t errcap) {
    const char *dflt = qc_default_vectors_dir();
    memset(out, 0, sizeof *out);
    for (int i = 0; i < (nargs ? nargs : 1); i++) {
        const char *a = nargs ? args[i] : dflt;
        struct stat st;
        if (stat(a, &st) != 0) {
            snprintf(err, errcap, "no such file or folder: %s", a);
            qc_files_free(out);
            return -1;
        }
        if (S_ISDIR(st.st_mode) ? expand_dir(a, out, err, errcap) != 0 : push(out, a) != 0) {
            if (!S_ISDIR(st.st_mode)) {
                snprintf(err, errcap, "out of memory");
            }
            qc_files_free(out);
            return -1;
        }
    }
    return 0;
}

void qc_files_free(qc_files *f) {
    for (size_t i = 0; i < f->count; i++) {
        free(f->paths[i]);
    }
    free(f->paths);
    memset(f, 0, sizeof *f);
}
