/* Shared pieces of the qshcheck command line: exit codes, usage errors, the commands. */
#ifndef QC_CLI_H
#define QC_CLI_H

#include <stddef.h>
#include <stdio.h>

/* Exit statuses, documented in `qshcheck --help`. */
enum {
    QC_EXIT_OK = 0,    /* success: every case passed, or a result was printed */
    QC_EXIT_FAIL = 1,  /* a case failed (run) or a file has errors (lint) */
    QC_EXIT_USAGE = 2, /* bad arguments, or a request the rules cannot canonicalize */
    QC_EXIT_IO = 3     /* a file cannot be read or loaded, or an implementation cannot start */
};

/* Prints "qshcheck: <msg>" and the command's usage on stderr; returns QC_EXIT_USAGE. */
int cli_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int cmd_canonical(int argc, char **argv, int want_qsh);
int cmd_run(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_plugin_host(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_diagnose(int argc, char **argv);
int cmd_fuzz_diff(int argc, char **argv);
int cmd_mistakes(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_probe(int argc, char **argv); /* built with libcurl only (QSHCHECK_HAVE_PROBE) */
/* built with libmicrohttpd only (QSHCHECK_HAVE_MOCK_PRODUCT) */
int cmd_mock_product(int argc, char **argv);

#endif
