/* The implementation side of the line protocol (PROTOCOL.md beside this file): read a JSON
 * line, answer it, one line back, until the input ends. `qshcheck plugin-host` serves a C plugin
 * with it and `qshcheck serve` the mistake catalogue's canonicalizer. */
#ifndef QC_SERVE_LOOP_H
#define QC_SERVE_LOOP_H

#include <jansson.h>
#include <stdio.h>

typedef struct qc_server {
    const char *who; /* for messages: "plugin-host", "serve" */
    void *ud;
    /* The hello answer's name, version and operations (a new array). */
    const char *name, *version;
    json_t *(*operations)(void *ud);
    /* The answer to one request with an integer id, or NULL when none can be made (the loop
     * then stops, as a broken implementation would). */
    json_t *(*answer)(void *ud, json_t *msg, json_int_t id);
} qc_server;

/* Serves until in ends; returns 0, or 1 when it stopped on a request it could not answer (the
 * commands' exit statuses QC_EXIT_OK and QC_EXIT_FAIL). */
int qc_serve_lines(const qc_server *s, FILE *in, FILE *out);

#endif
