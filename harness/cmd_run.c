/* `qshcheck run`: every case of the vector files against an implementation. */
#include <string.h>

#include "cli.h"
#include "impl.h"
#include "report.h"
#include "verdict.h"

static const char usage[] =
    "usage: qshcheck run [--format text|json] [FILE|DIR ...]\n"
    "\n"
    "Runs vector files (default: the bundled corpus) against the reference implementation.\n"
    "Each failure shows its tcId, the input, and the expected and actual canonical requests\n"
    "with a mark where they first differ. The last line is \"N passed, N failed\".\n"
    "\n"
    "  --format text   for people (default)\n"
    "  --format json   one JSON document on stdout; the closing line goes to stderr\n"
    "\n"
    "exit status: 0 all passed; 1 a case failed; 2 bad arguments; 3 a file cannot be loaded.\n";

int cmd_run(int argc, char **argv) {
    qc_format format = QC_FORMAT_TEXT;
    char **files = argv + 1;
    int nfiles = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return QC_EXIT_OK;
        }
        if ((r = cli_opt(argc, argv, &i, "format", &v)) != 0) {
            if (r < 0) {
                return cli_usage_error(usage, "--format needs a value");
            }
            if (strcmp(v, "text") == 0) {
                format = QC_FORMAT_TEXT;
            } else if (strcmp(v, "json") == 0) {
                format = QC_FORMAT_JSON;
            } else {
                return cli_usage_error(usage, "unknown format '%s' (text or json)", v);
            }
            continue;
        }
        if (argv[i][0] == '-') {
            return cli_usage_error(usage, "unknown option %s", argv[i]);
        }
        files[nfiles++] = argv[i]; /* compacts the positional arguments in place */
    }

    char err[1024];
    cli_files list;
    if (cli_files_expand(files, nfiles, &list, err, sizeof err) != 0) {
        fprintf(stderr, "qshcheck: %s\n", err);
        return QC_EXIT_IO;
    }
    qc_impl impl;
    if (qc_impl_ref(&impl) != 0) {
        fprintf(stderr, "qshcheck: cannot set up the reference implementation\n");
        cli_files_free(&list);
        return QC_EXIT_IO;
    }
    qc_report rep;
    int rc = qc_report_begin(&rep, format, stdout, impl.name) == 0 ? QC_EXIT_OK : QC_EXIT_IO;
    for (size_t f = 0; f < list.count && rc == QC_EXIT_OK; f++) {
        qc_file vf;
        if (qc_file_load(list.paths[f], &vf, err, sizeof err) != 0) {
            fprintf(stderr, "qshcheck: %s\n", err);
            rc = QC_EXIT_IO;
            break;
        }
        for (size_t i = 0; i < vf.count; i++) {
            qc_answer ans;
            impl.canonical(impl.state, &vf.cases[i], &ans);
            qc_verdict v = qc_judge(&vf.cases[i], &ans, 1);
            qc_report_case(&rep, list.paths[f], &vf.cases[i], &ans, &v);
            qc_answer_clear(&ans);
        }
        qc_file_free(&vf);
    }
    if (rc == QC_EXIT_OK) {
        qc_report_end(&rep);
        if (rep.failed > 0) {
            rc = QC_EXIT_FAIL;
        }
    } else {
        json_decref(rep.doc);
    }
    impl.destroy(impl.state);
    cli_files_free(&list);
    return rc;
}
