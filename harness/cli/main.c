/* qshcheck: conformance suite for the Atlassian Connect query string hash. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "corpus/files.h"
#include "judge/report.h"

/* Set by the build from the project version (packaging/install.cmake). */
#ifndef QSHCHECK_VERSION
#define QSHCHECK_VERSION "unknown"
#endif

static const char usage_head[] = "usage: qshcheck COMMAND [OPTIONS] [ARGS]\n"
                                 "\n"
                                 "commands:\n";

static const char usage_tail[] =
    "\n"
    "`qshcheck COMMAND --help` describes each command; `qshcheck --version` prints the\n"
    "tool's version and that of the corpus it runs by default.\n"
    "\n"
    "exit status: 0 success; 1 a case failed or a file has errors; 2 bad arguments or a\n"
    "request that cannot be canonicalized; 3 a file that cannot be read or loaded.\n";

static int cmd_qsh(int argc, char **argv) {
    return cmd_canonical(argc, argv, 1);
}

static int cmd_canonical_only(int argc, char **argv) {
    return cmd_canonical(argc, argv, 0);
}

/* The corpus's version is read from the files found, not built in: a corpus installed or
 * pointed to by $QSHCHECK_VECTORS reports its own release. */
static int print_version(void) {
    const char *dir = qc_default_vectors_dir();
    char version[64], err[512];
    printf("qshcheck %s\n", QSHCHECK_VERSION);
    if (qc_corpus_version(dir, version, sizeof version, err, sizeof err) != 0) {
        fflush(stdout);
        char msg[600];
        snprintf(msg, sizeof msg, "corpus: %s", err);
        qc_print_error(msg);
        return QC_EXIT_IO;
    }
    printf("corpus %s (%s)\n", version, dir);
    return QC_EXIT_OK;
}

/* The commands, with the line the usage gives each: the usage lists exactly those this build
 * has (probe and mock-product need libcurl and libmicrohttpd). */
static const struct {
    const char *name, *summary;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"canonical", "print the canonical request of METHOD TARGET", cmd_canonical_only},
    {"qsh", "print the query string hash of METHOD TARGET", cmd_qsh},
    {"run", "run vector files against the reference or another implementation", cmd_run},
    {"lint", "check vector files against their schema and their own hashes", cmd_lint},
    {"token", "sign, verify or decode Connect JWTs", cmd_token},
    {"diagnose", "explain a qsh mismatch: which known mistake gives the value you got",
     cmd_diagnose},
    {"fuzz-diff", "compare an implementation with the reference on generated requests",
     cmd_fuzz_diff},
    {"mistakes", "list the known mistakes of real implementations", cmd_mistakes},
    {"serve", "answer the line protocol as a library making given mistakes", cmd_serve},
    {"plugin-host", "serve a C plugin over the line protocol (started by run --plugin)",
     cmd_plugin_host},
#ifdef QSHCHECK_HAVE_PROBE
    {"probe", "send a running app valid requests and attacks; report what it accepts", cmd_probe},
#endif
#ifdef QSHCHECK_HAVE_MOCK_PRODUCT
    {"mock-product", "play Jira or Confluence over HTTP for an app's outgoing calls",
     cmd_mock_product},
#endif
};

enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

/* The usage: its head, a line per command, its tail. */
static const char *usage(void) {
    static char text[4096];
    if (text[0] == '\0') {
        size_t n = (size_t)snprintf(text, sizeof text, "%s", usage_head);
        for (size_t i = 0; i < NCOMMANDS && n < sizeof text; i++) {
            size_t len = strlen(commands[i].name);
            n += (size_t)snprintf(text + n, sizeof text - n, "  %s%*s%s\n", commands[i].name,
                                  len < 10 ? (int)(11 - len) : 2, "", commands[i].summary);
        }
        if (n < sizeof text) {
            snprintf(text + n, sizeof text - n, "%s", usage_tail);
        }
    }
    return text;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        return cli_usage_error(usage(), "no command given");
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage(), stdout);
        return QC_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        return print_version();
    }
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strcmp(cmd, commands[i].name) == 0) {
            return commands[i].run(argc - 1, argv + 1);
        }
    }
    return cli_usage_error(usage(), "unknown command '%s'", cmd);
}
