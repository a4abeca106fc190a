/* Fuzz target: the parser of what external programs send back (harness/protocol/messages.c).
 *
 * Input: one line from a program, parsed both as its hello and as an answer. The line is read
 * here a second time, with jansson, by the rules of PROTOCOL.md, and the parser must agree:
 *
 *  hello   an object with "type":"hello", "protocol":1, a string "name" and an "operations"
 *          array naming at least one of canonical, qsh, verify; "profiles", when an array,
 *          names server and/or product (none given: both). The name and version come back
 *          whole or cut to their fields, never changed.
 *  answer  an object with an integer "id" and exactly one of "result", "error", "skipped";
 *          a result is {"valid":true} (a verify answer: nothing else in it), or has a string
 *          "canonicalRequest" and/or a "qsh" of 64 lowercase hex digits, given back byte for
 *          byte; the parts of a canonical request end at its first "&/" and the '&' after;
 *          an error's string "status" begins the status given back.
 *
 * Every line the rules accept must be accepted with exactly those values, and every line they
 * refuse refused, with nothing left allocated. */
#include <jansson.h>
#include <stdint.h>

#include "fuzz_props.h"
#include "protocol/messages.h"

static void disagree(int ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "disagreement on: %s\n", what);
    }
    prop(ok, "the parser disagrees with PROTOCOL.md");
}

static unsigned named(json_t *array, const char *const *names, const unsigned *bits, size_t n) {
    unsigned out = 0;
    size_t i;
    json_t *e;
    json_array_foreach(array, i, e) {
        for (size_t k = 0; k < n; k++) {
            if (json_is_string(e) && strcmp(json_string_value(e), names[k]) == 0) {
                out |= bits[k];
            }
        }
    }
    return out;
}

/* A string field as qc_hello holds it: cut at a NUL and to cap - 1 bytes. */
static int field_is(const char *got, size_t cap, json_t *s) {
    const char *want = json_is_string(s) ? json_string_value(s) : "";
    size_t n = strlen(want) < cap - 1 ? strlen(want) : cap - 1;
    return strlen(got) == n && memcmp(got, want, n) == 0;
}

static void check_hello(json_t *j, int rc, const qc_hello *h) {
    static const char *const ops[] = {"canonical", "qsh", "verify"};
    static const unsigned op_bits[] = {QC_OP_CANONICAL, QC_OP_QSH, QC_OP_VERIFY};
    static const char *const profiles[] = {"server", "product"};
    static const unsigned profile_bits[] = {QC_PROFILE_SERVER_BIT, QC_PROFILE_PRODUCT_BIT};
    json_t *type = json_object_get(j, "type"), *proto = json_object_get(j, "protocol");
    json_t *name = json_object_get(j, "name"), *op = json_object_get(j, "operations");
    json_t *pr = json_object_get(j, "profiles");
    unsigned want_ops = named(op, ops, op_bits, 3);
    unsigned want_profiles = json_is_array(pr) ? named(pr, profiles, profile_bits, 2)
                                               : QC_PROFILE_SERVER_BIT | QC_PROFILE_PRODUCT_BIT;
    int ok = json_is_object(j) && json_is_string(type) &&
             strcmp(json_string_value(type), "hello") == 0 && json_is_integer(proto) &&
             json_integer_value(proto) == 1 && json_is_string(name) && json_is_array(op) &&
             want_ops != 0 && want_profiles != 0;
    disagree((rc == 0) == ok, "whether the hello is accepted");
    if (ok) {
        disagree(h->ops == want_ops && h->profiles == want_profiles, "the hello's operations");
        disagree(field_is(h->name, sizeof h->name, name) &&
                     field_is(h->version, sizeof h->version, json_object_get(j, "version")),
                 "the hello's name or version");
    }
}

static int is_hex64(json_t *s) {
    if (!json_is_string(s) || json_string_length(s) != 64) {
        return 0;
    }
    for (size_t i = 0; i < 64; i++) {
        char c = json_string_value(s)[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

/* The parts of a canonical request: the method ends at the first "&/" (or '&'), the URI at
 * the next '&'. */
static void check_parts(const qc_answer *a) {
    const char *r = a->request;
    size_t n = a->request_len, m = n;
    for (size_t i = 0; i + 1 < n && m == n; i++) {
        m = r[i] == '&' && r[i + 1] == '/' ? i : m;
    }
    if (m == n) {
        const char *amp = memchr(r, '&', n);
        m = amp ? (size_t)(amp - r) : n;
    }
    size_t uri = m < n ? m + 1 : n;
    const char *amp = uri < n ? memchr(r + uri, '&', n - uri) : NULL;
    size_t uri_len = amp ? (size_t)(amp - (r + uri)) : n - uri;
    size_t query = amp ? (size_t)(amp - r) + 1 : n;
    disagree(a->method_len == m && a->uri_off == uri && a->uri_len == uri_len &&
                 a->query_off == query && a->query_len == n - query,
             "the parts of the canonical request");
}

static void check_answer(json_t *j, int rc, long long id, const qc_answer *a) {
    json_t *jid = json_object_get(j, "id"), *result = json_object_get(j, "result");
    json_t *error = json_object_get(j, "error"), *skipped = json_object_get(j, "skipped");
    json_t *req = json_object_get(result, "canonicalRequest"),
           *qsh = json_object_get(result, "qsh");
    int one = (result != NULL) + (error != NULL) + (skipped != NULL) == 1;
    int verify = json_is_true(json_object_get(result, "valid")) && req == NULL && qsh == NULL;
    int canonical = json_is_object(result) && (req != NULL || qsh != NULL) &&
                    (req == NULL || json_is_string(req)) && (qsh == NULL || is_hex64(qsh));
    int ok =
        json_is_object(j) && json_is_integer(jid) && one && (result == NULL || verify || canonical);
    disagree((rc == 0) == ok, "whether the answer is accepted");
    if (!ok) {
        disagree(a->request == NULL, "a refused answer keeps a request");
        return;
    }
    disagree(id == json_integer_value(jid), "the id");
    qc_outcome want = skipped ? QC_OUT_SKIPPED : error ? QC_OUT_ERROR : QC_OUT_OK;
    disagree(a->outcome == want, "the outcome");
    if (error != NULL) {
        json_t *st = json_object_get(error, "status");
        if (json_is_string(st) && strlen(json_string_value(st)) < 200) {
            disagree(strncmp(a->status, json_string_value(st), strlen(json_string_value(st))) == 0,
                     "the error's status");
        }
    }
    if (want != QC_OUT_OK || verify) {
        disagree(a->request == NULL && !a->has_qsh, "a request or qsh where none was sent");
        return;
    }
    disagree((a->request != NULL) == (req != NULL), "whether there is a canonical request");
    if (req != NULL) {
        disagree(a->request_len == json_string_length(req) &&
                     memcmp(a->request, json_string_value(req), a->request_len) == 0 &&
                     a->request[a->request_len] == '\0',
                 "the canonical request's bytes");
        check_parts(a);
    }
    disagree(a->has_qsh == (qsh != NULL), "whether there is a qsh");
    if (qsh != NULL) {
        disagree(memcmp(a->qsh, json_string_value(qsh), 65) == 0, "the qsh");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[200];
    json_error_t je;
    json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    qc_hello h;
    int rc = qc_proto_parse_hello((const char *)data, size, &h, err, sizeof err);
    /* The hello is read without JSON_ALLOW_NUL: a NUL anywhere in it refuses it. */
    json_t *hj = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    check_hello(hj, rc, &h);
    json_decref(hj);
    long long id = 0;
    qc_answer a;
    rc = qc_proto_parse_answer((const char *)data, size, &id, &a, err, sizeof err);
    check_answer(j, rc, id, &a);
    qc_answer_clear(&a);
    json_decref(j);
    return 0;
}
