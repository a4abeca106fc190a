#define _GNU_SOURCE /* REG_STARTEND: match strings that hold NUL bytes */
#include "corpus/schema.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct vctx {
    json_t *root;
    qc_schema_report report;
    void *ud;
    int errors;
    int quiet;     /* inside anyOf/oneOf/not/if: count, do not report */
    int depth;     /* sub-schemas being validated, one inside the other */
    int too_deep;  /* some sub-schema was cut at QC_SCHEMA_MAX_DEPTH */
    long steps;    /* sub-schema visits so far */
    int exhausted; /* the step budget ran out */
} vctx;

/* A hostile schema (nested anyOf, self-referencing $ref) could make validation exponential;
 * the corpus needs a few ten thousand steps, so a million is a budget, not a constraint. */
#define QC_SCHEMA_MAX_STEPS 1000000L
/* Sub-schemas nest (through properties, items, combinators and $ref) at most this deep: the
 * bundled schemas need 8, and the bound keeps the recursion's stack use small. */
#define QC_SCHEMA_MAX_DEPTH 64

/* Where in the instance validation is: a chain of member names and item indices, written out
 * as a JSON pointer only when an error is reported (most checks report nothing: they run
 * inside anyOf, or pass). */
typedef struct where_t {
    const struct where_t *up; /* NULL at the root */
    const char *key;          /* a member name, or NULL for the item at `index` */
    size_t index;
} where_t;

static int validate(vctx *v, json_t *schema, json_t *inst, const where_t *where);

/* Writes where's JSON pointer into buf[0..cap), cut to fit; returns its length. */
static size_t where_format(const where_t *w, char *buf, size_t cap) {
    if (w->up == NULL) {
        buf[0] = '\0';
        return 0;
    }
    size_t n = where_format(w->up, buf, cap);
    int k = w->key != NULL ? snprintf(buf + n, cap - n, "/%s", w->key)
                           : snprintf(buf + n, cap - n, "/%zu", w->index);
    n += k > 0 ? (size_t)k : 0;
    return n < cap ? n : cap - 1;
}

static void fail(vctx *v, const where_t *where, const char *fmt, const char *arg) {
    char msg[512], path[1024];
    v->errors++;
    if (!v->quiet) {
        snprintf(msg, sizeof msg, fmt, arg);
        v->report(v->ud, where_format(where, path, sizeof path) > 0 ? path : "/", msg);
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

/* Validates against a sub-schema without reporting; returns 1 when it matches. */
static int matches(vctx *v, json_t *schema, json_t *inst, const where_t *where) {
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

/* Compiled patterns of the schema last validated with: a vector file matches the same few
 * patterns against thousands of strings, and compiling one costs far more than matching it.
 * Patterns are keyed by their text; validating with another schema frees them, so that what
 * is held stays bounded by one schema's patterns (and by QC_SCHEMA_PATTERNS; further ones are
 * compiled for each use). Not thread-safe: validation runs on one thread. */
#define QC_SCHEMA_PATTERNS 64
typedef struct pattern_entry {
    char *text;
    int compiled; /* 0: the pattern does not compile */
    regex_t re;
} pattern_entry;
static pattern_entry patterns[QC_SCHEMA_PATTERNS];
static size_t patterns_used;
static const json_t *patterns_root;

static void patterns_for(const json_t *root) {
    if (root == patterns_root) {
        return;
    }
    for (size_t i = 0; i < patterns_used; i++) {
        if (patterns[i].compiled) {
            regfree(&patterns[i].re);
        }
        free(patterns[i].text);
    }
    patterns_used = 0;
    patterns_root = root;
}

/* The cached entry of a pattern, or NULL when it is not cached and the table is full. */
static const pattern_entry *pattern_lookup(const char *text) {
    for (size_t i = 0; i < patterns_used; i++) {
        if (strcmp(patterns[i].text, text) == 0) {
            return &patterns[i];
        }
    }
    if (patterns_used == QC_SCHEMA_PATTERNS) {
        return NULL;
    }
    pattern_entry *e = &patterns[patterns_used];
    e->text = strdup(text);
    if (e->text == NULL) {
        return NULL;
    }
    e->compiled = regcomp(&e->re, text, REG_EXTENDED | REG_NOSUB) == 0;
    patterns_used++;
    return e;
}

/* 1 when inst matches, 0 when not, -1 when the pattern does not compile. */
static int pattern_match(const char *pattern, json_t *inst) {
    regmatch_t m[1];
    m[0].rm_so = 0;
    m[0].rm_eo = (regoff_t)json_string_length(inst);
    const pattern_entry *e = pattern_lookup(pattern);
    if (e != NULL) {
        return e->compiled ? regexec(&e->re, json_string_value(inst), 1, m, REG_STARTEND) == 0 : -1;
    }
    regex_t re;
    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0) {
        return -1;
    }
    int ok = regexec(&re, json_string_value(inst), 1, m, REG_STARTEND) == 0;
    regfree(&re);
    return ok;
}

static void check_pattern(vctx *v, const char *pattern, json_t *inst, const where_t *where) {
    int r = pattern_match(pattern, inst);
    if (r < 0) {
        fail(v, where, "schema pattern '%s' does not compile", pattern);
    } else if (r == 0) {
        fail(v, where, "does not match the pattern %s", pattern);
    }
}

static void check_object(vctx *v, json_t *schema, json_t *inst, const where_t *where) {
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
        where_t child = {where, key, 0};
        if (ps != NULL) {
            validate(v, ps, val, &child);
        } else if (json_is_false(extra)) {
            fail(v, where, "member '%s' is not allowed here", key);
        } else if (json_is_object(extra)) {
            validate(v, extra, val, &child);
        }
    }
}

static void check_array(vctx *v, json_t *schema, json_t *inst, const where_t *where) {
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
            where_t child = {where, NULL, i};
            validate(v, items, e, &child);
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

/* Whether kw is a keyword of the subset. Plain loops, not strcmp: the check runs for every
 * keyword of every sub-schema visited, and is left out of the fuzzers' coverage tracing
 * (fuzz/coverage_ignore.txt). */
static int is_known_keyword(const char *kw) {
    for (size_t k = 0; k < sizeof known_keywords / sizeof known_keywords[0]; k++) {
        const char *a = kw, *b = known_keywords[k];
        while (*a != '\0' && *a == *b) {
            a++;
            b++;
        }
        if (*a == *b) {
            return 1;
        }
    }
    return 0;
}

static void check_keywords_known(vctx *v, json_t *schema, const where_t *where) {
    const char *kw;
    json_t *arg;
    json_object_foreach(schema, kw, arg) {
        if (!is_known_keyword(kw)) {
            fail(v, where, "schema keyword '%s' is not supported by this validator", kw);
        }
    }
}

static void check_ref(vctx *v, json_t *schema, json_t *inst, const where_t *where) {
    json_t *arg = json_object_get(schema, "$ref");
    if (arg == NULL) {
        return;
    }
    json_t *target = json_is_string(arg) ? resolve_ref(v, json_string_value(arg)) : NULL;
    if (target == NULL) {
        fail(v, where, "schema $ref '%s' does not resolve",
             json_is_string(arg) ? json_string_value(arg) : "?");
    } else {
        validate(v, target, inst, where);
    }
}

/* 1 when inst has a type the schema allows (or the schema names none). */
static int check_type(vctx *v, json_t *schema, json_t *inst, const where_t *where) {
    json_t *arg = json_object_get(schema, "type");
    if (arg == NULL) {
        return 1;
    }
    int ok = json_is_string(arg) && type_matches(json_string_value(arg), inst);
    size_t i;
    json_t *t;
    json_array_foreach(arg, i, t) {
        ok |= json_is_string(t) && type_matches(json_string_value(t), inst);
    }
    if (!ok) {
        fail(v, where, "has the wrong type (%s)", type_name(inst));
    }
    return ok;
}

static void check_value(vctx *v, json_t *schema, json_t *inst, const where_t *where) {
    json_t *arg;
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
    if (json_is_number(inst) && (arg = json_object_get(schema, "minimum")) != NULL &&
        json_number_value(inst) < json_number_value(arg)) {
        fail(v, where, "is below the minimum%s", "");
    }
}

static void check_string(vctx *v, json_t *schema, json_t *inst, const where_t *where) {
    size_t len = utf8_count(json_string_value(inst), json_string_length(inst));
    json_t *mn = json_object_get(schema, "minLength");
    json_t *mx = json_object_get(schema, "maxLength");
    json_t *arg = json_object_get(schema, "pattern");
    if (json_is_integer(mn) && (json_int_t)len < json_integer_value(mn)) {
        fail(v, where, "is shorter than minLength%s", "");
    }
    if (json_is_integer(mx) && (json_int_t)len > json_integer_value(mx)) {
        fail(v, where, "is longer than maxLength%s", "");
    }
    if (json_is_string(arg)) {
        check_pattern(v, json_string_value(arg), inst, where);
    }
}

/* How many of the alternatives in the array arg inst matches. */
static size_t count_matches(vctx *v, json_t *arg, json_t *inst, const where_t *where) {
    size_t i, n = 0;
    json_t *s;
    json_array_foreach(arg, i, s) {
        n += (size_t)matches(v, s, inst, where);
    }
    return n;
}

static void check_combinators(vctx *v, json_t *schema, json_t *inst, const where_t *where) {
    json_t *arg;
    if ((arg = json_object_get(schema, "allOf")) != NULL) {
        size_t i;
        json_t *s;
        json_array_foreach(arg, i, s) {
            validate(v, s, inst, where);
        }
    }
    if ((arg = json_object_get(schema, "anyOf")) != NULL &&
        count_matches(v, arg, inst, where) == 0) {
        fail(v, where, "matches none of the anyOf alternatives%s", "");
    }
    if ((arg = json_object_get(schema, "oneOf")) != NULL) {
        size_t n = count_matches(v, arg, inst, where);
#ifdef QSHCHECK_MUTANT_SCHEMA_ONEOF
        n = n > 0; /* a planted bug for the fuzz mutation check: oneOf read as anyOf */
#endif
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
}

/* Counts a visit against the step budget and enters a sub-schema one level deeper. 0 when
 * it cannot be entered (budget spent, not an object, too deep), with the error counted; the
 * depth then stays as it was, so that only an entered level is left again. */
static int enter(vctx *v, json_t *schema, const where_t *where) {
    if (++v->steps > QC_SCHEMA_MAX_STEPS) {
        v->exhausted = 1;
        v->errors++;
        return 0;
    }
    if (!json_is_object(schema)) {
        fail(v, where, "schema is not an object%s", "");
        return 0;
    }
    if (v->depth >= QC_SCHEMA_MAX_DEPTH) {
        v->too_deep = 1;
        fail(v, where, "sub-schemas nest more than %s deep here", "64");
        return 0;
    }
    v->depth++;
    return 1;
}

/* Validates inst against one (sub-)schema: the keywords in turn. Returns the errors found. */
static int validate(vctx *v, json_t *schema, json_t *inst, const where_t *where) {
    int before = v->errors;
    if (json_is_true(schema)) {
        return 0;
    }
    if (!enter(v, schema, where)) {
        return v->errors - before;
    }
    check_keywords_known(v, schema, where);
    check_ref(v, schema, inst, where);
    if (check_type(v, schema, inst, where)) { /* else the other keywords only repeat it */
        check_value(v, schema, inst, where);
        if (json_is_string(inst)) {
            check_string(v, schema, inst, where);
        }
        if (json_is_object(inst)) {
            check_object(v, schema, inst, where);
        }
        if (json_is_array(inst)) {
            check_array(v, schema, inst, where);
        }
        check_combinators(v, schema, inst, where);
    }
    v->depth--;
    return v->errors - before;
}

int qc_schema_validate(json_t *schema, json_t *inst, qc_schema_report report, void *ud) {
    vctx v = {schema, report, ud, 0, 0, 0, 0, 0, 0};
    where_t root = {NULL, NULL, 0};
    patterns_for(schema);
    validate(&v, schema, inst, &root);
    if (v.too_deep) { /* also when it happened inside anyOf, oneOf, not or if, unreported */
        report(ud, "/", "validation cut: sub-schemas nest more than 64 deep");
    }
    if (v.exhausted) {
        report(ud, "/", "validation stopped: the schema needs more than a million steps");
    }
    return v.errors;
}
