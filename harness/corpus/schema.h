/* A JSON Schema validator for the subset of draft 2020-12 that the vector schemas use. A
 * keyword outside that subset is reported as an error, so that a schema can never be half
 * ignored. */
#ifndef QC_SCHEMA_H
#define QC_SCHEMA_H

#include <jansson.h>

typedef void (*qc_schema_report)(void *ud, const char *where, const char *msg);

/* Validates inst against schema (whose root resolves "#/$defs/..." references). Reports each
 * violation with its JSON pointer and returns how many there were. */
int qc_schema_validate(json_t *schema, json_t *inst, qc_schema_report report, void *ud);

#endif
