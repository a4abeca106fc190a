/* Fuzz target: the JSON Schema validator of `qshcheck lint` with a hostile schema.
 *
 * Input framing: the bytes before the first NUL are a schema S, the bytes after it an instance
 * I; both must parse as JSON. A vector folder may carry its own schema/ folder, so the
 * validator must survive any schema: self-referencing $ref, nesting, anyOf explosions, bad
 * patterns; its recursion is bounded (a cut is reported) and so are its steps.
 *
 * Properties, from the meaning of the keywords (each wrapper keeps S's $defs, so that S's
 * references resolve as before): {"allOf":[S]} finds as many errors as S; {"not":S} matches
 * exactly when S does not; {"anyOf":[S]} exactly when S does; {"oneOf":[S,S]} never;
 * {"const":I}, {"enum":[I]} and {"type":<I's type>} always; and `true` accepts anything. A
 * comparison is skipped when either run was cut by the depth bound or the step budget, which
 * make a verdict approximate. */
#include <stdint.h>

#include "corpus/schema.h"
#include "fuzz_props.h"

typedef struct run {
    int cut; /* the validator reported a depth cut or a spent step budget */
} run;

static void on_error(void *ud, const char *where, const char *msg) {
    run *r = ud;
    prop(where != NULL && msg != NULL, "an error without a place or a message");
    r->cut |=
        strncmp(msg, "validation cut", 14) == 0 || strncmp(msg, "validation stopped", 18) == 0;
}

/* Errors of inst against schema; *cut set when the verdict is approximate. */
static int errors(json_t *schema, json_t *inst, int *cut) {
    run r = {0};
    int n = qc_schema_validate(schema, inst, on_error, &r);
    prop(n >= 0, "negative error count");
    *cut |= r.cut;
    return n;
}

/* {"$defs": S's $defs, key: value}, taking the reference to value. */
static json_t *wrap(json_t *s, const char *key, json_t *value) {
    json_t *w = json_object();
    json_t *defs = json_object_get(s, "$defs");
    if (defs != NULL) {
        json_object_set(w, "$defs", defs);
    }
    json_object_set_new(w, key, value);
    return w;
}

static int errors_wrapped(json_t *s, const char *key, json_t *value, json_t *inst, int *cut) {
    json_t *w = wrap(s, key, value);
    int n = errors(w, inst, cut);
    json_decref(w);
    return n;
}

static const char *type_of(json_t *j) {
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
        return "integer";
    case JSON_REAL:
        return "number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "boolean";
    default:
        return "null";
    }
}

static void check_combinators(json_t *s, json_t *inst) {
    int cut = 0;
    int n = errors(s, inst, &cut);
    int all = errors_wrapped(s, "allOf", json_pack("[O]", s), inst, &cut);
    int negated = errors_wrapped(s, "not", json_incref(s), inst, &cut);
    int any = errors_wrapped(s, "anyOf", json_pack("[O]", s), inst, &cut);
    int one = errors_wrapped(s, "oneOf", json_pack("[O,O]", s, s), inst, &cut);
    if (cut) {
        return;
    }
    prop(all == n, "allOf of a schema finds other errors than the schema");
    prop((negated == 0) == (n > 0), "not of a schema matches as the schema does");
    prop((any == 0) == (n == 0), "anyOf of a schema matches otherwise than the schema");
    prop(one > 0, "oneOf of a schema twice matched");
}

static void check_instance_keywords(json_t *inst) {
    int cut = 0;
    json_t *yes = json_true();
    prop(errors(yes, inst, &cut) == 0, "true rejected an instance");
    json_decref(yes);
    json_t *k = json_pack("{s:O}", "const", inst);
    prop(errors(k, inst, &cut) == 0, "an instance is not its own const");
    json_decref(k);
    k = json_pack("{s:[O]}", "enum", inst);
    prop(errors(k, inst, &cut) == 0, "an instance is not in an enum of itself");
    json_decref(k);
    k = json_pack("{s:s}", "type", type_of(inst));
    prop(errors(k, inst, &cut) == 0, "an instance is not of its own type");
    json_decref(k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const uint8_t *nul = memchr(data, 0, size);
    if (nul == NULL || size > 16384) {
        return 0;
    }
    size_t slen = (size_t)(nul - data);
    json_error_t je;
    json_t *schema = json_loadb((const char *)data, slen, 0, &je);
    json_t *inst = json_loadb((const char *)nul + 1, size - slen - 1, JSON_DECODE_ANY, &je);
    if (schema != NULL && inst != NULL) {
        check_combinators(schema, inst);
        check_instance_keywords(inst);
    }
    json_decref(schema);
    json_decref(inst);
    return 0;
}
