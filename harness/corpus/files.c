/* Which vector files a command reads: the bundled corpus, or the files and folders given. */
#include "corpus/files.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef QSHCHECK_VECTORS_DIR
#define QSHCHECK_VECTORS_DIR "vectors"
#endif

/* An installed qshcheck sits in PREFIX/bin with its corpus in PREFIX/share/qshcheck/vectors:
 * found from the program's own folder, so that a prefix moved or unpacked elsewhere (a .deb
 * extracted with dpkg -x) still finds its own corpus rather than the source tree's. */
static const char *installed_vectors_dir(void) {
    static char dir[4096];
    char exe[4096];
    struct stat st;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe);
    if (n <= 0 || (size_t)n >= sizeof exe) {
        return NULL;
    }
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash == NULL) {
        return NULL;
    }
    *slash = '\0';
    int len = snprintf(dir, sizeof dir, "%s/../share/qshcheck/vectors", exe);
    if (len < 0 || (size_t)len >= sizeof dir || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        return NULL;
    }
    return dir;
}

const char *qc_default_vectors_dir(void) {
    const char *env = getenv("QSHCHECK_VECTORS");
    if (env != NULL && env[0] != '\0') {
        return env;
    }
    const char *installed = installed_vectors_dir();
    return installed != NULL ? installed : QSHCHECK_VECTORS_DIR;
}

int qc_corpus_version(const char *dir, char *out, size_t cap, char *err, size_t errcap) {
    char *args[1] = {(char *)dir};
    qc_files files;
    int rc = 0;
    if (qc_files_expand(args, 1, &files, err, errcap) != 0) {
        return -1;
    }
    out[0] = '\0';
    for (size_t i = 0; i < files.count && rc == 0; i++) {
        json_error_t je;
        json_t *root = json_load_file(files.paths[i], JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
        const char *v = json_string_value(json_object_get(root, "corpusVersion"));
        if (root == NULL) {
            snprintf(err, errcap, "%s: %s", files.paths[i], je.text);
            rc = -1;
        } else if (v == NULL || v[0] == '\0' || strlen(v) >= cap) {
            snprintf(err, errcap, "%s: no corpusVersion", files.paths[i]);
            rc = -1;
        } else if (out[0] != '\0' && strcmp(out, v) != 0) {
            /* A folder mixing two releases has no single version to report. */
            snprintf(err, errcap, "%s: corpusVersion %s, other files %s", files.paths[i], v, out);
            rc = -1;
        } else {
            snprintf(out, cap, "%s", v);
        }
        json_decref(root);
    }
    qc_files_free(&files);
    return rc;
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

/* The corpus folder is also an npm package (vectors/tools/npm_package.py): its manifest and
 * index are JSON beside the vector files, not vector files. */
static int is_npm_manifest(const char *name) {
    return strcmp(name, "package.json") == 0 || strcmp(name, "index.json") == 0;
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
        if (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0 && e->d_name[0] != '.' &&
            !is_npm_manifest(e->d_name)) {
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
