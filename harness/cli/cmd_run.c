/* `qshcheck run`: every case of the vector files against an implementation. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "corpus/files.h"
#include "judge/expect.h"
#include "impl/impl.h"
#include "protocol/open.h"
#include "judge/report.h"
#include "judge/servers.h"
#include "judge/verdict.h"

static const char usage[] =
    "usage: qshcheck run [--exec 'COMMAND' | --plugin LIB.so] [--format text|json|junit|tap]\n"
    "                    [--expected-failures FILE] [--timeout SECONDS] [--hide-stderr]\n"
    "                    [--server NAME] [FILE|DIR ...]\n"
    "\n"
    "Runs vector files (default: the bundled corpus) against an implementation: the built-in\n"
    "reference, a program speaking the line protocol of harness/protocol/PROTOCOL.md\n"
    "(--exec, run through sh -c), or a C plugin (--plugin, see\n"
    "harness/include/qshcheck/plugin.h). Each failure shows its tcId, the input, and the\n"
    "expected and actual canonical requests with a mark where they first differ. The last\n"
    "line is \"N passed, N failed\".\n"
    "\n"
    "  --format F               text (default), json, junit (JUnit XML) or tap (TAP 13); all\n"
    "                           but text write the document alone on stdout; a file name or\n"
    "                           an answer that is not UTF-8 has each stray byte written as\n"
    "                           \\xNN (and, in JSON, each backslash doubled);\n"
    "                           the JSON has the totals, \"failures\" (each with its input,\n"
    "                           the expected and actual answers), \"skips\" (each key and\n"
    "                           why) and \"files\" (each file's passed, failed, skipped and\n"
    "                           expected failures)\n"
    "  --expected-failures FILE lines of FILE/TCID  # reason (wildcards allowed): those cases\n"
    "                           may fail; a new failure or a listed case that passes fails\n"
    "                           the run, and the lines to add or remove are printed; a line\n"
    "                           '# made for: NAME VERSION' names the implementation the list\n"
    "                           was made with, and another one fails the run at once\n"
    "  --timeout SECONDS        time a case may take before the program counts as hung (10)\n"
    "  --hide-stderr            send the program's stderr to /dev/null\n"
    "  --server NAME            judge against one servlet container exactly (tomcat,\n"
    "                           tomcat-utf8, tomcat-jira or jetty, as the vectors record\n"
    "                           them): its canonical request where it accepts the request,\n"
    "                           skipped where it refuses; cases it was not asked are judged\n"
    "                           as usual\n"
    "\n"
    "The reference must make every decision of the corpus, including each invalid case's\n"
    "status. Other implementations pass an invalid case by rejecting it with any status, and\n"
    "an acceptable case either way, as long as they produce no other canonical request than\n"
    "the expected one or one a servlet container computed (docs/RULES.md).\n"
    "\n"
    "exit status: 0 all passed; 1 a case failed or the expected-failures list is stale;\n"
    "2 bad arguments; 3 a file cannot be loaded (every file is loaded first: no report is\n"
    "written then) or the implementation cannot be started.\n";

/* The file's name without folder and .json: the FILE part of FILE/TCID keys. */
static void file_stem(const char *path, char *out, size_t cap) {
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".json") == 0) {
        n -= 5;
    }
    snprintf(out, cap, "%.*s", (int)n, base);
}

typedef struct run_options {
    qc_format format;
    const char *expected, *server;
    cli_impl_choice impl;
} run_options;

static int setup_impl(const run_options *o, qc_impl *impl) {
    return qc_impl_open(impl, o->impl.exec, o->impl.plugin, &o->impl.exec_opt);
}

/* Runs one loaded file's cases and reports them. -1 when out of memory. */
static int run_file(const qc_file *vf, qc_impl *impl, int strict, const char *server,
                    qc_expect *expect, qc_report *rep) {
    char stem[256], key[300];
    int rc = 0;
    file_stem(vf->path, stem, sizeof stem);
    if (expect != NULL) {
        qc_expect_file_run(expect, stem);
    }
    qc_answer *answers = calloc(vf->count ? vf->count : 1, sizeof *answers);
    if (answers == NULL) {
        fprintf(stderr, "qshcheck: out of memory\n");
        return -1;
    }
    impl->run(impl->state, vf->cases, vf->count, answers);
    qc_report_file_begin(rep, stem);
    for (size_t i = 0; i < vf->count; i++) {
        qc_case view;
        const qc_case *c = &vf->cases[i];
        qc_verdict v = qc_judge_case(&vf->cases[i], &answers[i], strict, server, &view, &c);
        snprintf(key, sizeof key, "%s/%lld", stem, c->tc_id);
        if (expect != NULL && qc_expect_apply(expect, key, c, &v) != 0) {
            fprintf(stderr, "qshcheck: out of memory\n");
            rc = -1;
        }
        qc_report_case(rep, vf->path, key, c, &answers[i], &v);
        qc_answer_clear(&answers[i]);
    }
    qc_report_file_end(rep);
    free(answers);
    return rc;
}

/* Loads every file before anything is reported, so that a file that cannot be loaded leaves
 * no half-written report behind. 0, or -1 with the error printed. */
static int load_files(const qc_files *list, qc_file **out) {
    char err[1024];
    qc_file *vfs = calloc(list->count ? list->count : 1, sizeof *vfs);
    if (vfs == NULL) {
        fprintf(stderr, "qshcheck: out of memory\n");
        return -1;
    }
    for (size_t f = 0; f < list->count; f++) {
        if (qc_file_load(list->paths[f], &vfs[f], err, sizeof err) != 0) {
            qc_print_error(err);
            for (size_t k = 0; k < f; k++) {
                qc_file_free(&vfs[k]);
            }
            free(vfs);
            return -1;
        }
    }
    *out = vfs;
    return 0;
}

/* --server names a container that some loaded case was measured on. */
static int server_known(const qc_file *vfs, size_t n, const char *server) {
    if (server == NULL) {
        return 1;
    }
    for (size_t f = 0; f < n; f++) {
        if (qc_file_has_server(&vfs[f], server)) {
            return 1;
        }
    }
    cli_usage_error(usage, "no case of these files was measured on the server '%s'", server);
    return 0;
}

static void free_files(qc_file *vfs, size_t n) {
    for (size_t f = 0; f < n; f++) {
        qc_file_free(&vfs[f]);
    }
    free(vfs);
}

static int parse_args(int argc, char **argv, run_options *o, cli_spec *spec) {
    const char *format = NULL;
    const cli_option opts[] = {
        CLI_IMPL_OPTIONS(&o->impl),
        {"format", CLI_STRING, &format, 0, 0, NULL},
        {"expected-failures", CLI_STRING, &o->expected, 0, 0, NULL},
        {"server", CLI_STRING, &o->server, 0, 0, NULL},
    };
    spec->usage = usage;
    spec->opts = opts;
    spec->nopts = sizeof opts / sizeof opts[0];
    int r = cli_parse(argc, argv, spec);
    if (r != CLI_PARSED) {
        return r;
    }
    if (format != NULL && qc_format_parse(format, &o->format) != 0) {
        cli_usage_error(usage, "unknown format '%s' (text, json, junit, tap)", format);
        return CLI_BAD;
    }
    if (o->impl.exec != NULL && o->impl.plugin != NULL) {
        cli_usage_error(usage, "--exec and --plugin exclude each other");
        return CLI_BAD;
    }
    return CLI_PARSED;
}

int cmd_run(int argc, char **argv) {
    run_options o;
    memset(&o, 0, sizeof o);
    o.format = QC_FORMAT_TEXT;
    qc_exec_options_default(&o.impl.exec_opt);
    /* The file arguments, compacted into argv's own slots. */
    cli_spec spec = {.pos = (const char **)argv + 1, .max_pos = (size_t)argc};
    int pr = parse_args(argc, argv, &o, &spec);
    if (pr != CLI_PARSED) {
        return cli_parse_exit(pr);
    }
    char **files = argv + 1;
    int nfiles = (int)spec.npos;
    char err[1024];
    qc_files list;
    qc_expect expect, *exp = NULL;
    if (o.expected != NULL) {
        if (qc_expect_load(o.expected, &expect, err, sizeof err) != 0) {
            qc_print_error(err);
            return QC_EXIT_IO;
        }
        exp = &expect;
    }
    if (qc_files_expand(files, nfiles, &list, err, sizeof err) != 0) {
        qc_print_error(err);
        if (exp) {
            qc_expect_free(exp);
        }
        return QC_EXIT_IO;
    }
    qc_file *vfs = NULL;
    if (load_files(&list, &vfs) != 0 || !server_known(vfs, list.count, o.server)) {
        if (vfs != NULL) {
            free_files(vfs, list.count);
        }
        qc_files_free(&list);
        if (exp) {
            qc_expect_free(exp);
        }
        return vfs != NULL ? QC_EXIT_USAGE : QC_EXIT_IO;
    }
    qc_impl impl;
    if (setup_impl(&o, &impl) != 0) {
        free_files(vfs, list.count);
        qc_files_free(&list);
        if (exp) {
            qc_expect_free(exp);
        }
        return QC_EXIT_IO;
    }
    int strict = o.impl.exec == NULL && o.impl.plugin == NULL;
    char impl_label[200];
    snprintf(impl_label, sizeof impl_label, "%s%s%s", impl.name, impl.version[0] ? " " : "",
             impl.version);
    if (exp != NULL && exp->made_for != NULL && strcmp(exp->made_for, impl_label) != 0) {
        /* One line, not a list of "new failures" that only the other version makes. */
        fprintf(stderr,
                "qshcheck: %s was made for %s, but the implementation is %s: install that "
                "version (./dev.sh installs the pinned ones), or make the list anew\n",
                exp->path, exp->made_for, impl_label);
        impl.destroy(impl.state);
        free_files(vfs, list.count);
        qc_files_free(&list);
        qc_expect_free(exp);
        return QC_EXIT_FAIL;
    }
    qc_report rep;
    int rc = qc_report_begin(&rep, o.format, stdout, impl_label) == 0 ? QC_EXIT_OK : QC_EXIT_IO;
    if (o.format == QC_FORMAT_TEXT && !strict) {
        fputs("implementation: ", stdout);
        qc_write_cstr(stdout, impl_label);
        fputc('\n', stdout);
    }
    for (size_t f = 0; f < list.count && rc == QC_EXIT_OK; f++) {
        if (run_file(&vfs[f], &impl, strict, o.server, exp, &rep) != 0) {
            rc = QC_EXIT_IO;
        }
    }
    if (rc == QC_EXIT_OK) {
        /* The list's verdict comes before the closing line, which stays the last line. */
        if (exp != NULL) {
            fflush(stdout);
            if (qc_expect_report(exp, o.format == QC_FORMAT_TEXT ? stdout : stderr) > 0) {
                rc = QC_EXIT_FAIL;
            }
        }
        rep.restarts = qc_exec_restarts(&impl);
        qc_report_end(&rep);
        if (rep.failed > 0) {
            rc = QC_EXIT_FAIL;
        }
    } else {
        qc_report_abandon(&rep);
    }
    impl.destroy(impl.state);
    free_files(vfs, list.count);
    qc_files_free(&list);
    if (exp) {
        qc_expect_free(exp);
    }
    return rc;
}
