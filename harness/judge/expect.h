/* Expected-failure lists: one entry a line, `KEY  # reason`, where KEY is FILE/TCID (the vector
 * file's name without .json, and the case's tcId) and may use shell wildcards (`qsh_utf8/` then
 * `*`). Blank lines and lines starting with '#' are ignored. FILE may also be written with
 * .json or a folder (`vectors/qsh_utf8.json/3` is `qsh_utf8/3`), and the list may start with a
 * UTF-8 byte order mark.
 *
 * A run fails on a failure no entry lists, and on an entry that no longer fails: an exact entry
 * whose case passes, or a wildcard entry that matches no failing case of a file it covers. The
 * run prints the exact lines to add and to remove. */
#ifndef QC_EXPECT_H
#define QC_EXPECT_H

#include <stddef.h>
#include <stdio.h>

#include "judge/verdict.h"

typedef struct qc_expect_entry {
    char *pattern; /* the key, FILE as a file's stem */
    char *written; /* the key as the line has it */
    char *reason;
    int line;
    int wildcard;
    size_t failed_matches;  /* failing cases it covered */
    size_t passed_matches;  /* passing cases it covered */
    size_t skipped_matches; /* skipped cases it covered: neither stale nor confirmed */
    int file_seen;          /* a file it could cover was run */
} qc_expect_entry;

typedef struct qc_expect {
    char *path;
    qc_expect_entry *e;
    size_t n;
    char **add; /* lines to add: failures no entry lists */
    size_t nadd;
    char *made_for; /* "NAME VERSION" of a "# made for: NAME VERSION" line, or NULL */
} qc_expect;

/* Loads a list. 0, or -1 with a message in err (unreadable file, a line without a key). */
int qc_expect_load(const char *path, qc_expect *x, char *err, size_t errcap);
void qc_expect_free(qc_expect *x);

/* The entry covering key ("qsh_path/17"), or NULL. */
qc_expect_entry *qc_expect_match(qc_expect *x, const char *key);

/* Notes that a vector file (its stem) was run, so that entries for it can be judged stale. */
void qc_expect_file_run(qc_expect *x, const char *stem);

/* Applies the list to the verdict v of case c (key "qsh_path/17"): a failure an entry lists
 * becomes QC_XFAIL, a listed case that passes QC_XPASS when the entry names it exactly (a
 * wildcard entry may cover cases that pass), and a failure no entry lists is recorded as a
 * line to add. Counts what each entry covered, for qc_expect_report. -1 when out of memory. */
int qc_expect_apply(qc_expect *x, const char *key, const qc_case *c, qc_verdict *v);

/* Records a failure that no entry lists, with the line that would list it. */
int qc_expect_add(qc_expect *x, const char *key, const char *why, const char *flags);

/* Writes the lines to add and to remove; returns how many there are (0: the list is right). */
size_t qc_expect_report(qc_expect *x, FILE *out);

#endif
