/* Fuzz target: the vector file loader, and what `qshcheck run` and `lint` do with a file.
 *
 * Input: the text of a vector file. It is validated against the bundled schema, loaded, and
 * its first 64 cases are run through the reference, judged (strictly and not), and written by
 * every report writer (to /dev/null).
 *
 * The schema is read once from qsh_canonical_v2.schema.json beside the fuzzer binary, where
 * the build and OSS-Fuzz's build.sh put it; without it the target aborts at start-up rather
 * than fuzz less than it claims. Properties: no crash, leak or undefined behaviour; a loaded
 * file has as many cases as it declares tests. */
#include <libgen.h>
#include <stdint.h>

#include "fuzz_props.h"
#include "impl/impl.h"
#include "judge/report.h"
#include "corpus/schema.h"
#include "judge/verdict.h"

static json_t *schema;
static qc_impl impl;
static FILE *sink;

static void on_error(void *ud, const char *where, const char *msg) {
    (void)ud;
    fprintf(sink, "%s: %s\n", where, msg);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    char path[4096];
    (void)argc;
    snprintf(path, sizeof path, "%s", (*argv)[0]);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/qsh_canonical_v2.schema.json", dirname(path));
    json_error_t je;
    schema = json_load_file(dir, JSON_REJECT_DUPLICATES, &je);
    sink = fopen("/dev/null", "w");
    if (schema == NULL || sink == NULL || qc_impl_ref(&impl) != 0) {
        fprintf(stderr, "fuzz_vectors: cannot load %s: %s\n", dir, schema ? "" : je.text);
        abort();
    }
    return 0;
}

static size_t count_tests(json_t *root) {
    size_t n = 0, i;
    json_t *g;
    json_array_foreach(json_object_get(root, "testGroups"), i, g) {
        n += json_array_size(json_object_get(g, "tests"));
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[1024];
    json_error_t je;
    json_t *doc =
        json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    if (doc != NULL) {
        qc_schema_validate(schema, doc, on_error, NULL);
    }
    qc_file f;
    if (qc_file_parse("fuzz", (const char *)data, size, &f, err, sizeof err) == 0) {
        prop(doc != NULL && f.count == count_tests(doc), "loaded case count");
        size_t n = f.count < 64 ? f.count : 64;
        qc_answer *answers = calloc(n ? n : 1, sizeof *answers);
        prop(answers != NULL, "out of memory");
        impl.run(impl.state, f.cases, n, answers);
        qc_report reps[4];
        for (int k = 0; k < 4; k++) {
            prop(qc_report_begin(&reps[k], (qc_format)k, sink, "reference") == 0, "report");
            qc_report_file_begin(&reps[k], "fuzz");
        }
        for (size_t i = 0; i < n; i++) {
            qc_verdict strict = qc_judge(&f.cases[i], &answers[i], 1);
            qc_verdict lenient = qc_judge(&f.cases[i], &answers[i], 0);
            prop(!(strict.kind == QC_PASS && lenient.kind == QC_FAIL),
                 "strict passes, lenient fails");
            for (int k = 0; k < 4; k++) {
                qc_report_case(&reps[k], "fuzz", "fuzz/1", &f.cases[i], &answers[i], &strict);
            }
            qc_answer_clear(&answers[i]);
        }
        for (int k = 0; k < 4; k++) {
            qc_report_file_end(&reps[k]);
            qc_report_abandon(&reps[k]);
        }
        free(answers);
        qc_file_free(&f);
    }
    json_decref(doc);
    return 0;
}
