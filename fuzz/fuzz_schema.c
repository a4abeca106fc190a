/* Fuzz target: the JSON Schema validator of `qshcheck lint` with a hostile schema.
 *
 * Input framing: the bytes before the first NUL are a schema, the bytes after it an instance;
 * both must parse as JSON. A vector folder may carry its own schema/ folder, so the validator
 * must survive any schema: self-referencing $ref, nesting, anyOf explosions, bad patterns.
 * Properties: no crash, no hang (the step budget), and a schema of `true` accepts anything. */
#include <stdint.h>

#include "fuzz_props.h"
#include "corpus/schema.h"

static int errors_seen;

static void on_error(void *ud, const char *where, const char *msg) {
    (void)ud;
    errors_seen += where != NULL && msg != NULL;
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
        int n = qc_schema_validate(schema, inst, on_error, NULL);
        prop(n >= 0, "negative error count");
        json_t *yes = json_true();
        prop(qc_schema_validate(yes, inst, on_error, NULL) == 0, "true rejected an instance");
        json_decref(yes);
    }
    json_decref(schema);
    json_decref(inst);
    return 0;
}
