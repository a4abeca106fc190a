/* Fuzz target: the vector file loader, and what `qshcheck run` and `lint` do with a file.
 *
 * Input: the text of a vector file. It is validated against the bundled schema, loaded, and
 * each of its first 64 cases is run through the reference and judged (strictly and not), and
 * failures are written by both report writers (to /dev/null).
 *
 * The schema is read once from qsh_canonical_v1.schema.json beside the fuzzer binary, where
 * the build and OSS-Fuzz's build.sh put it; without it the target aborts at start-up rather
 * than fuzz less than it claims. Properties: no crash, leak or undefined behaviour; a loaded
 * file has as many cases as it declares tests. */
#include <libgen.h>
#include <stdint.h>

#include "fuzz_props.h"
#include "impl.h"
#include "report.h"
#include "schema.h"
#include "verdict.h"

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
    snprintf(dir, sizeof dir, "%s/qsh_canonical_v1.schema.json", dirname(path));
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
        qc_report rep;
        prop(qc_report_begin(&rep, QC_FORMAT_JSON, sink, "reference") == 0, "report");
        qc_report text;
        prop(qc_report_begin(&text, QC_FORMAT_TEXT, sink, "reference") == 0, "report");
        for (size_t i = 0; i < f.count && i < 64; i++) {
            qc_answer a;
            impl.canonical(impl.state, &f.cases[i], &a);
            qc_verdict strict = qc_judge(&f.cases[i], &a, 1);
            qc_verdict lenient = qc_judge(&f.cases[i], &a, 0);
            prop(!(strict.kind == QC_PASS && lenient.kind == QC_FAIL),
                 "strict passes, lenient fails");
            qc_report_case(&rep, "fuzz", &f.cases[i], &a, &strict);
            qc_report_case(&text, "fuzz", &f.cases[i], &a, &strict);
            qc_answer_clear(&a);
        }
        json_decref(rep.doc);
        qc_file_free(&f);
    }
    json_decref(doc);
    return 0;
}
