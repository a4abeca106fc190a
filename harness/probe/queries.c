#include "probe/queries.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus/vectors.h"

/* The corpus files whose query shapes every app sees from a product: parsing, order, escapes,
 * repeats, the documented examples. */
static const char *const corpus_files[QC_PROBE_FILES] = {
    "qsh_examples.json", "qsh_query_parsing.json", "qsh_sorting.json", "qsh_encoding.json"};

char *qc_probe_dup(const char *s, size_t n) {
    char *d = malloc(n + 1);
    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

int qc_probe_on_the_wire(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e || s[i] == '#') {
            return 0;
        }
    }
    return 1;
}

static int hex_value(char c) {
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* 1 when a parameter of query is named jwt once form-decoded (j%77t is jwt too): the product's
 * token is the only jwt parameter a request can carry. */
static int has_jwt_name(const char *query) {
    for (const char *p = query; *p != '\0';) {
        size_t piece = strcspn(p, "&"), name = strcspn(p, "&=");
        char decoded[4];
        size_t n = 0;
        for (size_t i = 0; i < name && n < sizeof decoded; i++) {
            if (p[i] == '%' && i + 2 < name && hex_value(p[i + 1]) >= 0 &&
                hex_value(p[i + 2]) >= 0) {
                decoded[n++] = (char)(hex_value(p[i + 1]) * 16 + hex_value(p[i + 2]));
                i += 2;
            } else {
                decoded[n++] = p[i] == '+' ? ' ' : p[i];
            }
        }
        if (n == 3 && memcmp(decoded, "jwt", 3) == 0) {
            return 1;
        }
        p += piece + (p[piece] == '&');
    }
    return 0;
}

/* The query of a valid GET case without a body, or NULL when it has none or one the probe
 * cannot use: a fragment, or a jwt parameter of its own (the probe adds the token). */
static const char *usable_query(const qc_case *c, size_t *len) {
    const char *q = memchr(c->target.p, '?', c->target.n);
    if (c->result != QC_VALID || c->has_body || c->method.n != 3 ||
        memcmp(c->method.p, "GET", 3) != 0 || q == NULL) {
        return NULL;
    }
    *len = c->target.n - (size_t)(q + 1 - c->target.p);
    return *len > 0 && qc_probe_on_the_wire(q + 1, *len) ? q + 1 : NULL;
}

static void free_all(char **s, size_t n) {
    for (size_t k = 0; k < n; k++) {
        free(s[k]);
    }
}

/* Adds the usable queries of one file to out: all of them, or QC_PROBE_PER_FILE evenly spread over
 * a larger file, each once. -1 when out of memory. */
static int file_queries(const qc_file *file, char **out, size_t *n) {
    size_t usable = 0, *which = malloc((file->count ? file->count : 1) * sizeof *which), len;
    if (which == NULL) {
        return -1;
    }
    for (size_t i = 0; i < file->count; i++) {
        if (usable_query(&file->cases[i], &len) != NULL) {
            which[usable++] = i;
        }
    }
    size_t take = usable < QC_PROBE_PER_FILE ? usable : QC_PROBE_PER_FILE;
    int rc = 0;
    for (size_t t = 0; t < take && rc == 0; t++) {
        const char *q = usable_query(&file->cases[which[t * usable / take]], &len);
        char *query = qc_probe_dup(q, len);
        int keep = query != NULL && !has_jwt_name(query);
        for (size_t k = 0; keep && k < *n; k++) {
            keep = strcmp(out[k], query) != 0;
        }
        rc = query == NULL ? -1 : 0;
        if (keep) {
            out[(*n)++] = query;
        } else {
            free(query);
        }
    }
    free(which);
    return rc;
}

size_t qc_probe_corpus_queries(const char *dir, char *out[QC_PROBE_MAX_QUERIES], char *err,
                               size_t errcap) {
    size_t n = 0;
    for (size_t f = 0; f < sizeof corpus_files / sizeof corpus_files[0]; f++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, corpus_files[f]);
        qc_file file;
        if (qc_file_load(path, &file, err, errcap) != 0) {
            free_all(out, n);
            return (size_t)-1;
        }
        int rc = file_queries(&file, out, &n);
        qc_file_free(&file);
        if (rc != 0) {
            snprintf(err, errcap, "out of memory");
            free_all(out, n);
            return (size_t)-1;
        }
    }
    return n;
}
