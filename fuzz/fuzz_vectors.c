/* Fuzz target: the vector file loader, and what `qshcheck run` and `lint` do with a file.
 *
 * Input: the text of a vector file. It is validated against the bundled schema, loaded, and
 * its first 64 cases are run through the reference, judged (strictly and not), and written by
 * every report writer (to /dev/null).
 *
 * The schema is read once from qsh_canonical_v2.schema.json beside the fuzzer binary, where
 * the build and OSS-Fuzz's build.sh put it; without it the target aborts at start-up rather
 * than fuzz less than it claims. The text is parsed once: the loader's document is validated;
 * only JSON the loader refuses for its structure is parsed a second time to be validated.
 *
 * Properties: no crash, leak or undefined behaviour; the loaded cases are the document's
 * tests, one for one and in order (tcId and target); and every verdict, strict and not, is
 * the one the documented rules give (judge/verdict.h, PROTOCOL.md), for the reference's
 * answer, the same answer reduced to its qsh, a skipped and a broken answer. */
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

static int same(qc_str s, const char *p, size_t n) {
    return s.n == n && (n == 0 || memcmp(s.p, p, n) == 0);
}

/* The verdict the rules give an answer: a valid case passes with exactly the expected parts
 * and qsh (a qsh-only answer on its qsh); an invalid case with any error, and when strict only
 * with the expected status; an acceptable case as a valid one or, unless strict, with an
 * error, and one the rules reject (it has a status) as an invalid one; a token case with an
 * answer for a valid token, an error for an invalid one; a skipped answer is skipped, a broken
 * one fails. */
static qc_verdict_kind rules_verdict(const qc_case *c, const qc_answer *a, int strict) {
    if (a->outcome == QC_OUT_SKIPPED || a->outcome == QC_OUT_BROKEN) {
        return a->outcome == QC_OUT_SKIPPED ? QC_SKIP : QC_FAIL;
    }
    int rejected = a->outcome == QC_OUT_ERROR;
    if (c->result == QC_INVALID || (c->result == QC_ACCEPTABLE && c->rules_reject)) {
        return rejected && (!strict || same(c->status, a->status, strlen(a->status))) ? QC_PASS
                                                                                      : QC_FAIL;
    }
    if (c->is_token) {
        return rejected ? QC_FAIL : QC_PASS;
    }
    if (rejected) {
        return c->result == QC_ACCEPTABLE && !strict ? QC_PASS : QC_FAIL;
    }
    int qsh_ok = !a->has_qsh || same(c->qsh, a->qsh, strlen(a->qsh));
    if (a->request == NULL) {
        return a->has_qsh && qsh_ok ? QC_PASS : QC_FAIL;
    }
    int parts_ok = same(c->canonical_method, a->request, a->method_len) &&
                   same(c->canonical_uri, a->request + a->uri_off, a->uri_len) &&
                   same(c->canonical_query, a->request + a->query_off, a->query_len) &&
                   same(c->canonical_request, a->request, a->request_len);
    return parts_ok && qsh_ok ? QC_PASS : QC_FAIL;
}

static void check_verdicts(const qc_case *c, const qc_answer *a) {
    for (int strict = 0; strict <= 1; strict++) {
        qc_verdict v = qc_judge(c, a, strict);
        qc_verdict_kind want = rules_verdict(c, a, strict);
        if (v.kind != want) {
            fprintf(stderr, "tcId %lld, %s: judged %d, the rules give %d\n", c->tc_id,
                    strict ? "strict" : "lenient", (int)v.kind, (int)want);
        }
        prop(v.kind == want, "the judge disagrees with the documented rules");
    }
}

/* The loaded cases against the document's tests, walked here: one case per test, in order. */
static void check_cases(const qc_file *f) {
    size_t n = 0, gi, ti;
    json_t *g, *t;
    json_array_foreach(json_object_get(f->root, "testGroups"), gi, g) {
        json_array_foreach(json_object_get(g, "tests"), ti, t) {
            json_t *target = json_object_get(t, "target");
            prop(n < f->count, "fewer cases loaded than the document has tests");
            prop(
                f->cases[n].tc_id == json_integer_value(json_object_get(t, "tcId")) &&
                    same(f->cases[n].target, json_string_value(target), json_string_length(target)),
                "a loaded case is not the document's test in its place");
            n++;
        }
    }
    prop(n == f->count, "more cases loaded than the document has tests");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[1024];
    qc_file f;
    if (qc_file_parse("fuzz", (const char *)data, size, &f, err, sizeof err) != 0) {
        /* Not JSON ("fuzz:LINE:COLUMN: ..."): there is nothing to validate, and no second
         * parse. JSON the loader refuses is parsed again for the schema validator. */
        if (strncmp(err, "fuzz:", 5) == 0 && err[5] >= '0' && err[5] <= '9') {
            return 0;
        }
        json_error_t je;
        json_t *doc =
            json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
        if (doc != NULL) {
            qc_schema_validate(schema, doc, on_error, NULL);
        }
        json_decref(doc);
        return 0;
    }
    qc_schema_validate(schema, f.root, on_error, NULL);
    check_cases(&f);
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
        qc_answer *a = &answers[i];
        check_verdicts(&f.cases[i], a);
        qc_verdict strict = qc_judge(&f.cases[i], a, 1);
        for (int k = 0; k < 4; k++) {
            qc_report_case(&reps[k], "fuzz", "fuzz/1", &f.cases[i], a, &strict);
        }
        /* Other answers to the same case: its qsh alone, skipped, broken. */
        qc_answer other = *a;
        other.request = NULL;
        if (a->outcome == QC_OUT_OK && a->has_qsh) {
            check_verdicts(&f.cases[i], &other);
        }
        other.has_qsh = 0;
        other.outcome = QC_OUT_SKIPPED;
        check_verdicts(&f.cases[i], &other);
        other.outcome = QC_OUT_BROKEN;
        check_verdicts(&f.cases[i], &other);
        qc_answer_clear(a);
    }
    for (int k = 0; k < 4; k++) {
        qc_report_file_end(&reps[k]);
        qc_report_abandon(&reps[k]);
    }
    free(answers);
    qc_file_free(&f);
    return 0;
}
