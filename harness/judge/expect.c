#include "judge/expect.h"

#include "corpus/vectors.h"
#include "judge/report.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

static char *trim(char *s) {
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) {
        s[--n] = '\0';
    }
    return s;
}

/* The key with FILE reduced to a file's stem, as run makes keys: a folder and .json dropped
 * (`vectors/qsh_utf8.json/3` is `qsh_utf8/3`). NULL when out of memory. */
static char *normalise_key(const char *key) {
    const char *tcid = strrchr(key, '/');
    const char *file = key;
    for (const char *p = key; p < tcid; p++) {
        if (*p == '/') {
            file = p + 1;
        }
    }
    size_t n = (size_t)(tcid - file);
    if (n > 5 && memcmp(tcid - 5, ".json", 5) == 0) {
        n -= 5;
    }
    size_t len = n + strlen(tcid) + 1;
    char *out = malloc(len);
    if (out != NULL) {
        snprintf(out, len, "%.*s%s", (int)n, file, tcid);
    }
    return out;
}

int qc_expect_load(const char *path, qc_expect *x, char *err, size_t errcap) {
    memset(x, 0, sizeof *x);
    FILE *f = qc_open_regular(path, "the expected-failures file", err, errcap);
    if (f == NULL) {
        return -1;
    }
    x->path = strdup(path);
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, rc = 0;
    while (getline(&line, &cap, f) > 0) {
        lineno++;
        if (lineno == 1 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
            memmove(line, line + 3, strlen(line + 3) + 1); /* a byte order mark */
        }
        if (x->made_for == NULL && strncmp(line, "# made for: ", 12) == 0) {
            /* The implementation and version the list was made with: another version is
             * judged against the wrong list, and run says so instead of listing failures. */
            x->made_for = strdup(trim(line + 12));
            if (x->made_for == NULL) {
                rc = -1;
                snprintf(err, errcap, "out of memory");
                break;
            }
            continue;
        }
        char *hash = strchr(line, '#');
        char *reason = hash ? trim(hash + 1) : "";
        if (hash) {
            *hash = '\0';
        }
        char *key = trim(line);
        if (key[0] == '\0') {
            if (hash == NULL || hash == line || trim(line)[0] == '\0') {
                continue; /* blank or comment line */
            }
        }
        if (strchr(key, '/') == NULL || strchr(key, ' ') != NULL) {
            snprintf(err, errcap, "%s:%d: expected FILE/TCID [# reason], got '%s'", path, lineno,
                     key);
            rc = -1;
            break;
        }
        qc_expect_entry *grown = realloc(x->e, (x->n + 1) * sizeof *grown);
        if (grown == NULL) {
            rc = -1;
            snprintf(err, errcap, "out of memory");
            break;
        }
        x->e = grown;
        qc_expect_entry *e = &x->e[x->n++];
        memset(e, 0, sizeof *e);
        e->pattern = normalise_key(key);
        e->written = strdup(key);
        e->reason = strdup(reason);
        if (e->pattern == NULL || e->written == NULL || e->reason == NULL) {
            rc = -1;
            snprintf(err, errcap, "out of memory");
            break;
        }
        e->line = lineno;
        e->wildcard = strpbrk(key, "*?[") != NULL;
    }
    free(line);
    fclose(f);
    if (rc != 0) {
        qc_expect_free(x);
    }
    return rc;
}

void qc_expect_free(qc_expect *x) {
    for (size_t i = 0; i < x->n; i++) {
        free(x->e[i].pattern);
        free(x->e[i].written);
        free(x->e[i].reason);
    }
    for (size_t i = 0; i < x->nadd; i++) {
        free(x->add[i]);
    }
    free(x->add);
    free(x->e);
    free(x->path);
    free(x->made_for);
    memset(x, 0, sizeof *x);
}

qc_expect_entry *qc_expect_match(qc_expect *x, const char *key) {
    for (size_t i = 0; i < x->n; i++) {
        if (fnmatch(x->e[i].pattern, key, 0) == 0) {
            return &x->e[i];
        }
    }
    return NULL;
}

void qc_expect_file_run(qc_expect *x, const char *stem) {
    for (size_t i = 0; i < x->n; i++) {
        char file_part[512];
        const char *slash = strchr(x->e[i].pattern, '/');
        snprintf(file_part, sizeof file_part, "%.*s", (int)(slash - x->e[i].pattern),
                 x->e[i].pattern);
        if (fnmatch(file_part, stem, 0) == 0) {
            x->e[i].file_seen = 1;
        }
    }
}

int qc_expect_add(qc_expect *x, const char *key, const char *why, const char *flags) {
    char **grown = realloc(x->add, (x->nadd + 1) * sizeof *grown);
    if (grown == NULL) {
        return -1;
    }
    x->add = grown;
    size_t n = strlen(key) + strlen(why) + strlen(flags) + 16;
    char *line = malloc(n);
    if (line == NULL) {
        return -1;
    }
    snprintf(line, n, "%s  # %s%s%s", key, flags[0] ? flags : "", flags[0] ? ": " : "", why);
    x->add[x->nadd++] = line;
    return 0;
}

/* The case's flags, space-separated, cut at cap. */
static void flags_text(const qc_case *c, char *out, size_t cap) {
    size_t i, len = 0;
    json_t *flag;
    out[0] = '\0';
    json_array_foreach(c->flags, i, flag) {
        int w = snprintf(out + len, cap - len, "%s%s", len ? " " : "", json_string_value(flag));
        if (w < 0 || (size_t)w >= cap - len) {
            break;
        }
        len += (size_t)w;
    }
}

int qc_expect_apply(qc_expect *x, const char *key, const qc_case *c, qc_verdict *v) {
    qc_expect_entry *e = qc_expect_match(x, key);
    if (e == NULL) {
        if (v->kind != QC_FAIL) {
            return 0;
        }
        char flags[512];
        flags_text(c, flags, sizeof flags);
        return qc_expect_add(x, key, v->why, flags);
    }
    if (v->kind == QC_FAIL) {
        v->kind = QC_XFAIL;
        e->failed_matches++;
    } else if (v->kind == QC_PASS) {
        e->passed_matches++;
        if (!e->wildcard) {
            v->kind = QC_XPASS;
        }
    } else {
        e->skipped_matches++;
    }
    v->expect_reason = e->reason;
    return 0;
}

/* An entry is stale when it no longer describes a failure: an exact entry whose case passed or
 * was not found in a file it names; a wildcard entry that covered no failure in its files. */
static int entry_dead(const qc_expect_entry *e) {
    if (!e->file_seen) {
        return 0; /* none of its files was run: nothing to say */
    }
    if (e->wildcard) {
        return e->failed_matches == 0 && e->skipped_matches == 0;
    }
    return e->passed_matches > 0 || (e->failed_matches == 0 && e->skipped_matches == 0);
}

size_t qc_expect_report(qc_expect *x, FILE *out) {
    size_t stale = 0, xfail = 0;
    for (size_t i = 0; i < x->n; i++) {
        qc_expect_entry *e = &x->e[i];
        xfail += e->failed_matches;
        stale += (size_t)entry_dead(e);
    }
    fprintf(out, "%zu expected failures, listed in ", xfail);
    qc_write_cstr(out, x->path);
    fputc('\n', out);
    if (x->nadd > 0) {
        fputs("new failures: add these lines to ", out);
        qc_write_cstr(out, x->path);
        fputc('\n', out);
        for (size_t i = 0; i < x->nadd; i++) {
            qc_write_cstr(out, x->add[i]);
            fputc('\n', out);
        }
    }
    if (stale > 0) {
        fputs("listed failures that no longer fail: remove these lines from ", out);
        qc_write_cstr(out, x->path);
        fputc('\n', out);
        for (size_t i = 0; i < x->n; i++) {
            qc_expect_entry *e = &x->e[i];
            if (entry_dead(e)) {
                qc_write_cstr(out, e->written);
                fputs(e->reason[0] ? "  # " : "", out);
                qc_write_cstr(out, e->reason);
                fputc('\n', out);
            }
        }
    }
    return x->nadd + stale;
}
