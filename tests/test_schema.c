/* The schema validator of `qshcheck lint` (harness/corpus/schema.c) on hostile schemas: its
 * recursion is bounded whatever the sub-schemas are, a cut is reported even when it happens
 * inside a combinator, and cached patterns give the same verdicts as fresh ones. */
#include <stdlib.h>

#include "check.h"
#include "corpus/schema.h"

typedef struct seen {
    int reports;
    int cut; /* the "nest more than 64 deep" summary came */
} seen;

static void on_error(void *ud, const char *where, const char *msg) {
    seen *s = ud;
    (void)where;
    s->reports++;
    s->cut |= strstr(msg, "nest more than 64 deep") != NULL;
}

static json_t *parse(const char *text) {
    json_error_t je;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &je);
    if (j == NULL) {
        fprintf(stderr, "bad test JSON: %s\n", text);
        abort();
    }
    return j;
}

/* Errors of validating instance against schema, both given as JSON text. */
static int errors(const char *schema, const char *instance, seen *s) {
    json_t *sc = parse(schema), *in = parse(instance);
    memset(s, 0, sizeof *s);
    int n = qc_schema_validate(sc, in, on_error, s);
    json_decref(sc);
    json_decref(in);
    return n;
}

/* {"allOf":[{"allOf":[ ... {"type":"string"} ... ]}]} with depth levels of allOf. */
static char *nested(int depth) {
    size_t cap = (size_t)depth * 12 + 32;
    char *s = malloc(cap);
    size_t n = 0;
    for (int i = 0; i < depth; i++) {
        n += (size_t)snprintf(s + n, cap - n, "{\"allOf\":[");
    }
    n += (size_t)snprintf(s + n, cap - n, "{\"type\":\"string\"}");
    for (int i = 0; i < depth; i++) {
        n += (size_t)snprintf(s + n, cap - n, "]}");
    }
    return s;
}

int main(void) {
    seen s;
    /* Recursion through non-object entries (issue 12 item 11): each 1 once took a level off
     * the depth that it never added, so the recursion ran until the stack overflowed. */
    CHECK(errors("{\"$defs\":{\"a\":{\"allOf\":[1,1,{\"$ref\":\"#/$defs/a\"}]}},"
                 "\"$ref\":\"#/$defs/a\"}",
                 "{}", &s) > 0);
    CHECK(s.cut);
    CHECK(errors("{\"$defs\":{\"a\":{\"anyOf\":[1,1,1,{\"$ref\":\"#/$defs/a\"}]}},"
                 "\"$ref\":\"#/$defs/a\"}",
                 "{}", &s) > 0);
    CHECK(s.cut); /* reported although every cut happened inside anyOf, quietly */
    CHECK(errors("{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/a\"}},\"$ref\":\"#/$defs/a\"}", "1", &s) >
          0);
    CHECK(s.cut);

    /* The bound is a depth, not a count of visits: 63 levels (64 schemas) pass, 64 are cut. */
    char *deep = nested(63), *deeper = nested(64);
    CHECK(errors(deep, "\"x\"", &s) == 0 && s.reports == 0);
    CHECK(errors(deep, "5", &s) == 1 && !s.cut);
    CHECK(errors(deeper, "\"x\"", &s) > 0 && s.cut);
    free(deep);
    free(deeper);
    /* Many siblings at one level are not depth. */
    CHECK(errors("{\"allOf\":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,"
                 "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,"
                 "{\"type\":\"string\"}]}",
                 "\"x\"", &s) == 70 &&
          !s.cut);

    /* Patterns: the same pattern, compiled once, keeps giving the right verdict. */
    for (int i = 0; i < 3; i++) {
        CHECK(errors("{\"pattern\":\"^[a-f0-9]{4}$\"}", "\"ab12\"", &s) == 0);
        CHECK(errors("{\"pattern\":\"^[a-f0-9]{4}$\"}", "\"AB12\"", &s) == 1);
        CHECK(errors("{\"pattern\":\"^(\"}", "\"x\"", &s) == 1 && s.reports == 1);
    }
    /* More distinct patterns than the cache holds still work. */
    for (int i = 0; i < 100; i++) {
        char schema[64], inst[32];
        snprintf(schema, sizeof schema, "{\"pattern\":\"^x%d$\"}", i);
        snprintf(inst, sizeof inst, "\"x%d\"", i);
        CHECK(errors(schema, inst, &s) == 0);
        snprintf(inst, sizeof inst, "\"x%dy\"", i);
        CHECK(errors(schema, inst, &s) == 1);
    }

    /* oneOf: exactly one. */
    CHECK(errors("{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"string\"}]}", "\"x\"", &s) == 1);
    CHECK(errors("{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}", "\"x\"", &s) == 0);
    return check_finish();
}
