#define _GNU_SOURCE /* REG_STARTEND: match strings that hold NUL bytes */
#include "corpus/schema.h"

#include <regex.h>
#include <stdio.h>
#include <string.h>

typedef struct vctx {
    json_t *root;
    qc_schema_report report;
    void *ud;
    int errors;
    int quiet; /* inside anyOf/oneOf/if: count, do not report */
    int depth;
    long steps;    /* sub-schema visits so far */
    int exhausted; /* the step budget ran out */
} vctx;

/* A hostile schema (nested anyOf, self-referencing $ref) could make validation exponential;
 * the corpus needs a few ten thousand steps, so a million is a budget, not a constraint. */
#define QC_SCHEMA_MAX_STEPS 1000000L

static int validate(vctx *v, json_t *schema, json_t *inst, const char *where);

static void fail(vctx *v, const char *where, const char *fmt, const char *arg) {
    char msg[512];
    v->errors++;
    if (!v->quiet) {
        snprintf(msg, sizeof msg, fmt, arg);
        v->report(v->ud, where[0] ? where : "/", msg);
    }
}

static const char *type_name(json_t *j) {
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

static int type_matches(const char *t, json_t *inst) {
    const char *have = type_name(inst);
    return strcmp(t, have) == 0 || (strcmp(t, "number") == 0 && json_is_integer(inst));
}

static size_t utf8_count(const char *s, size_t n) {
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    }
    return c;
}

static void child_path(char *buf, size_t cap, const char *where, const char *key) {
    snprintf(buf, cap, "%s/%s", where, key);
}

/* Validates against a sub-schema without reporting; returns 1 when it matches. */
static int matches(vctx *v, json_t *schema, json_t *inst, const char *where) {
    int saved_errors = v->errors, saved_quiet = v->quiet;
    v->quiet = 1;
    int bad = validate(v, schema, inst, where);
    v->errors = saved_errors;
    v->quiet = saved_quiet;
    return bad == 0;
}

static json_t *resolve_ref(vctx *v, const char *ref) {
    const char *prefix = "#/$defs/";
    if (strncmp(ref, prefix, strlen(prefix)) != 0) {
        return NULL;
    }
    return json_object_get(json_object_get(v->root, "$defs"), ref + strlen(prefix));
}

static void check_pattern(vctx *v, const char *pattern, json_t *inst, const char *where) {
    regex_t re;
    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0) {
        fail(v, where, "schema pattern '%s' does not compile", pattern);
        return;
    }
    regmatch_t m[1];
    m[0].rm_so = 0;
    m[0].rm_eo = (regoff_t)json_string_length(inst);
    if (regexec(&re, json_string_value(inst), 1, m, REG_STARTEND) != 0) {
        fail(v, where, "does not match the pattern %s", pattern);
    }
    regfree(&re);
}

static void check_object(vctx *v, json_t *schema, json_t *inst, const char *where) {
    char path[1024];
    json_t *props = json_object_get(schema, "properties");
    json_t *extra = json_object_get(schema, "additionalProperties");
    json_t *req = json_object_get(schema, "required");
    size_t i;
    json_t *r;
    json_array_foreach(req, i, r) {
        if (json_is_string(r) && json_object_get(inst, json_string_value(r)) == NULL) {
            fail(v, where, "missing required member '%s'", json_string_value(r));
        }
    }
    const char *key;
    json_t *val;
    json_object_foreach(inst, key, val) {
        json_t *ps = props ? json_object_get(props, key) : NULL;
        child_path(path, sizeof path, where, key);
        if (ps != NULL) {
            validate(v, ps, val, path);
        } else if (json_is_false(extra)) {
            fail(v, where, "member '%s' is not allowed here", key);
        } else if (json_is_object(extra)) {
            validate(v, extra, val, path);
        }
    }
}

static void check_array(vctx *v, json_t *schema, json_t *inst, const char *where) {
    char path[1024];
    json_t *items = json_object_get(schema, "items");
    json_t *min = json_object_get(schema, "minItems");
    size_t i, j;
    json_t *e;
    if (json_is_integer(min) && (json_int_t)json_array_size(inst) < json_integer_value(min)) {
        fail(v, where, "has fewer items than minItems%s", "");
    }
    if (json_is_true(json_object_get(schema, "uniqueItems"))) {
        for (i = 0; i < json_array_size(inst); i++) {
            for (j = i + 1; j < json_array_size(inst); j++) {
                if (json_equal(json_array_get(inst, i), json_array_get(inst, j))) {
                    fail(v, where, "items are not unique%s", "");
                    i = json_array_size(inst);
                    break;
                }
            }
        }
    }
    if (items != NULL) {
        json_array_foreach(inst, i, e) {
            snprintf(path, sizeof path, "%s/%zu", where, i);
            validate(v, items, e, path);
        }
    }
}

static const char *const known_keywords[] = {"$schema",
                                             "$id",
                                             "$comment",
                                             "$defs",
                                             "title",
                                             "description",
                                             "examples",
                                             "type",
                                             "enum",
                                             "const",
                                             "properties",
                                             "required",
                                             "additionalProperties",
                                             "items",
                                             "minItems",
                                             "uniqueItems",
                                             "minLength",
                                             "maxLength",
                                             "pattern",
                                             "minimum",
                                             "$ref",
                                             "allOf",
                                             "anyOf",
                                             "oneOf",
                                             "if",
                                             "then",
                                             "else",
                                             "not"};

static int validate(vctx *v, json_t *schema, json_t *inst, const char *where) {
    int before = v->errors;
    const char *kw;
    json_t *arg;
    if (json_is_true(schema)) {
        return 0;
    }
    if (++v->steps > QC_SCHEMA_MAX_STEPS) {
        v->exhausted = 1;
        v->errors++;
        return 1;
    }
    if (!json_is_object(schema) || ++v->depth > 64) {
        fail(v, where, "schema is not an object or nests too deep%s", "");
        v->depth--;
        return v->errors - before;
    }
    json_object_foreach(schema, kw, arg) {
        size_t k, nk = sizeof known_keywords / sizeof known_keywords[0];
        for (k = 0; k < nk && strcmp(kw, known_keywords[k]) != 0; k++) {
        }
        if (k == nk) {
            fail(v, where, "schema keyword '%s' is not supported by this validator", kw);
        }
    }
    if ((arg = json_object_get(schema, "$ref")) != NULL) {
        json_t *target = json_is_string(arg) ? resolve_ref(v, json_string_value(arg)) : NULL;
        if (target == NULL) {
            fail(v, where, "schema $ref '%s' does not resolve",
                 json_is_string(arg) ? json_string_value(arg) : "?");
        } else {
            validate(v, target, inst, where);
        }
    }
    if ((arg = json_object_get(schema, "type")) != NULL) {
        int ok = 0;
        size_t i;
        json_t *t;
        if (json_is_string(arg)) {
            ok = type_matches(json_string_value(arg), inst);
        }
        json_array_foreach(arg, i, t) {
            ok |= json_is_string(t) && type_matches(json_string_value(t), inst);
        }
        if (!ok) {
            fail(v, where, "has the wrong type (%s)", type_name(inst));
            v->depth--;
            return v->errors - before; /* the other keywords would only repeat this */
        }
    }
    if ((arg = json_object_get(schema, "const")) != NULL && !json_equal(arg, inst)) {
        fail(v, where, "is not the constant the schema requires%s", "");
    }
    if ((arg = json_object_get(schema, "enum")) != NULL) {
        size_t i;
        json_t *e;
        int ok = 0;
        json_array_foreach(arg, i, e) {
            ok |= json_equal(e, inst);
        }
        if (!ok) {
            fail(v, where, "is not one of the allowed values%s", "");
        }
    }
    if (json_is_string(inst)) {
        size_t len = utf8_count(json_string_value(inst), json_string_length(inst));
        json_t *mn = json_object_get(schema, "minLength");
        json_t *mx = json_object_get(schema, "maxLength");
        if (json_is_integer(mn) && (json_int_t)len < json_integer_value(mn)) {
            fail(v, where, "is shorter than minLength%s", "");
        }
        if (json_is_integer(mx) && (json_int_t)len > json_integer_value(mx)) {
            fail(v, where, "is longer than maxLength%s", "");
        }
        if ((arg = json_object_get(schema, "pattern")) != NULL && json_is_string(arg)) {
            check_pattern(v, json_string_value(arg), inst, where);
        }
    }
    if (json_is_number(inst) && (arg = json_object_get(schema, "minimum")) != NULL &&
        json_number_value(inst) < json_number_value(arg)) {
        fail(v, where, "is below the minimum%s", "");
    }
    if (json_is_object(inst)) {
        check_object(v, schema, inst, where);
    }
    if (json_is_array(inst)) {
        check_array(v, schema, inst, where);
    }
    if ((arg = json_object_get(schema, "allOf")) != NULL) {
        size_t i;
        json_t *s;
        json_array_foreach(arg, i, s) {
            validate(v, s, inst, where);
        }
    }
    if ((arg = json_object_get(schema, "anyOf")) != NULL) {
        size_t i, n = 0;
        json_t *s;
        json_array_foreach(arg, i, s) {
            n += (size_t)matches(v, s, inst, where);
        }
        if (n == 0) {
            fail(v, where, "matches none of the anyOf alternatives%s", "");
        }
    }
    if ((arg = json_object_get(schema, "oneOf")) != NULL) {
        size_t i, n = 0;
        json_t *s;
        json_array_foreach(arg, i, s) {
            n += (size_t)matches(v, s, inst, where);
        }
        if (n != 1) {
            fail(v, where, "does not match exactly one of the oneOf alternatives%s", "");
        }
    }
    if ((arg = json_object_get(schema, "not")) != NULL && matches(v, arg, inst, where)) {
        fail(v, where, "matches a schema it must not match%s", "");
    }
    if ((arg = json_object_get(schema, "if")) != NULL) {
        json_t *branch = json_object_get(schema, matches(v, arg, inst, where) ? "then" : "else");
        if (branch != NULL) {
            validate(v, branch, inst, where);
        }
    }
    v->depth--;
    return v->errors - before;
}

int qc_schema_validate(json_t *schema, json_t *inst, qc_schema_report report, void *ud) {
    vctx v = {schema, report, ud, 0, 0, 0, 0, 0};
    validate(&v, schema, inst, "");
    if (v.exhausted) {
        report(ud, "/", "validation stopped: the schema needs more than a million steps");
    }
    return v.errors;
}
