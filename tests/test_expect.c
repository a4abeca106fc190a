/* Expected-failure lists (harness/judge/expect.c): matching exact and wildcard keys, the other
 * forms of FILE a line may use, what is stale, what is new, what a skipped case counts as, and
 * the lines the report asks to add and remove. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "expect_list.h"

static int load(const char *text, qc_expect *x) {
    char err[512];
    int rc = load_list_text(text, strlen(text), x, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "load: %s\n", err);
    }
    return rc;
}

/* What qc_expect_report writes, and how many lines it asks to change. */
static char *report(qc_expect *x, size_t *changes) {
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    *changes = qc_expect_report(x, m);
    fclose(m);
    return buf;
}

static qc_case a_case(void) {
    qc_case c;
    memset(&c, 0, sizeof c);
    c.flags = json_pack("[s, s]", "SpaceAsPlus", "Utf8");
    return c;
}

/* Applies a verdict of `kind` for key; returns the verdict's kind afterwards. */
static qc_verdict_kind apply(qc_expect *x, const char *key, qc_verdict_kind kind) {
    qc_case c = a_case();
    qc_verdict v = {kind, kind == QC_FAIL ? "the canonical query differs" : NULL, 0, 0, NULL};
    CHECK(qc_expect_apply(x, key, &c, &v) == 0);
    json_decref(c.flags);
    return v.kind;
}

static void test_matching(void) {
    qc_expect x;
    CHECK(load("# a comment\n\nqsh_utf8/3  # exact\nqsh_query/*  # every case\n"
               "qsh_pa?h/1[0-9]  # a class\n",
               &x) == 0);
    CHECK(x.n == 3);
    CHECK(qc_expect_match(&x, "qsh_utf8/3") == &x.e[0]);
    CHECK(qc_expect_match(&x, "qsh_utf8/30") == NULL); /* exact means exact */
    CHECK(qc_expect_match(&x, "qsh_utf8/3x") == NULL);
    CHECK(qc_expect_match(&x, "qsh_query/12") == &x.e[1]);
    CHECK(qc_expect_match(&x, "qsh_path/15") == &x.e[2]);
    CHECK(qc_expect_match(&x, "qsh_path/5") == NULL);
    CHECK(qc_expect_match(&x, "qsh_other/3") == NULL);
    CHECK(!x.e[0].wildcard && x.e[1].wildcard && x.e[2].wildcard);
    CHECK_STR(x.e[0].reason, "exact");
    CHECK(x.e[0].line == 3 && x.e[2].line == 5);
    qc_expect_free(&x);
}

/* FILE with .json, with a folder, both; a list starting with a byte order mark; CRLF lines. */
static void test_other_forms(void) {
    qc_expect x;
    CHECK(load("\xEF\xBB\xBFqsh_utf8/3  # after a BOM\r\n"
               "qsh_path.json/4\r\n"
               "vectors/qsh_query/5  # a folder\n"
               "../vectors/qsh_base_path.json/6\n"
               "vectors/*.json/*  # a wildcard with both\n",
               &x) == 0);
    CHECK(x.n == 5);
    CHECK(qc_expect_match(&x, "qsh_utf8/3") == &x.e[0]);
    CHECK(qc_expect_match(&x, "qsh_path/4") == &x.e[1]);
    CHECK(qc_expect_match(&x, "qsh_query/5") == &x.e[2]);
    CHECK(qc_expect_match(&x, "qsh_base_path/6") == &x.e[3]);
    CHECK(qc_expect_match(&x, "token_qsh/9") == &x.e[4]);
    CHECK_STR(x.e[0].reason, "after a BOM");
    /* the lines to remove are given as written: the exact entry passes, and the wildcard that
     * covers the file covered no failure */
    qc_expect_file_run(&x, "qsh_path");
    CHECK(apply(&x, "qsh_path/4", QC_PASS) == QC_XPASS);
    size_t changes;
    char *out = report(&x, &changes);
    CHECK(changes == 2 && strstr(out, "\nqsh_path.json/4\n") != NULL &&
          strstr(out, "\nvectors/*.json/*  # a wildcard with both\n") != NULL);
    free(out);
    qc_expect_free(&x);
}

static void test_bad_lines(void) {
    qc_expect x;
    char err[512];
    CHECK(load_list_text("qsh_utf8  # no tcId\n", 20, &x, err, sizeof err) == -1);
    CHECK(strstr(err, ":1: expected FILE/TCID") != NULL);
    CHECK(load_list_text("a/1\nqsh utf8/1\n", 15, &x, err, sizeof err) == -1);
    CHECK(strstr(err, ":2: expected FILE/TCID") != NULL);
    CHECK(qc_expect_load("no_such_list.txt", &x, err, sizeof err) == -1);
    CHECK(strstr(err, "no_such_list.txt") != NULL);
}

/* A listed failure is confirmed; a listed exact case that passes is stale; a wildcard entry is
 * stale only when it covers no failure; a skipped case confirms nothing and makes nothing
 * stale; an entry for a file that was not run says nothing; a failure no entry lists is new. */
static void test_stale_and_new(void) {
    qc_expect x;
    CHECK(load("f/1  # fails\n"
               "f/2  # passes now\n"
               "f/3  # skipped\n"
               "g/*  # covers only passes\n"
               "h/*  # covers a failure and a pass\n"
               "f/9  # not in the file\n"
               "unrun/1  # its file was not run\n",
               &x) == 0);
    qc_expect_file_run(&x, "f");
    qc_expect_file_run(&x, "g");
    qc_expect_file_run(&x, "h");
    CHECK(apply(&x, "f/1", QC_FAIL) == QC_XFAIL);
    CHECK(apply(&x, "f/2", QC_PASS) == QC_XPASS);
    CHECK(apply(&x, "f/3", QC_SKIP) == QC_SKIP);
    CHECK(apply(&x, "g/1", QC_PASS) == QC_PASS);
    CHECK(apply(&x, "h/1", QC_FAIL) == QC_XFAIL);
    CHECK(apply(&x, "h/2", QC_PASS) == QC_PASS);
    CHECK(apply(&x, "f/4", QC_FAIL) == QC_FAIL); /* new */
    CHECK(apply(&x, "f/5", QC_PASS) == QC_PASS);
    CHECK(x.e[0].failed_matches == 1 && x.e[1].passed_matches == 1 && x.e[2].skipped_matches == 1);
    size_t changes;
    char *out = report(&x, &changes);
    /* to add: f/4; to remove: f/2, g/any, f/9; not f/1, f/3, h/any, unrun/1 */
    CHECK(changes == 4);
    CHECK(strstr(out, "2 expected failures, listed in ") == out);
    CHECK(strstr(out, "new failures: add these lines to ") != NULL);
    CHECK(strstr(out, "\nf/4  # SpaceAsPlus Utf8: the canonical query differs\n") != NULL);
    CHECK(strstr(out, "no longer fail: remove these lines from ") != NULL);
    CHECK(strstr(out, "\nf/2  # passes now\n") != NULL);
    CHECK(strstr(out, "\ng/*  # covers only passes\n") != NULL);
    CHECK(strstr(out, "\nf/9  # not in the file\n") != NULL);
    CHECK(strstr(out, "f/1 ") == NULL && strstr(out, "f/3 ") == NULL);
    CHECK(strstr(out, "h/* ") == NULL && strstr(out, "unrun/1") == NULL);
    free(out);
    qc_expect_free(&x);

    /* A list that is right asks for nothing. */
    CHECK(load("f/1  # fails\n", &x) == 0);
    qc_expect_file_run(&x, "f");
    CHECK(apply(&x, "f/1", QC_FAIL) == QC_XFAIL);
    out = report(&x, &changes);
    CHECK(changes == 0);
    CHECK(strncmp(out, "1 expected failures, listed in ", 31) == 0 && strchr(out, '\n') != NULL &&
          strchr(out, '\n')[1] == '\0');
    free(out);
    qc_expect_free(&x);
}

int main(void) {
    test_matching();
    test_other_forms();
    test_bad_lines();
    test_stale_and_new();
    return check_finish();
}
