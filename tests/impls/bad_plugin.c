/* A plugin that misbehaves on purpose, to test that the harness contains it: on a target that
 * contains CRASH it raises SIGSEGV, on HANG it loops forever, on ABORT it aborts, on PIDFILE it
 * writes its pid to the file named by $BAD_PLUGIN_PIDFILE and loops forever; it breaks its
 * contract with ERRFULL (fills err to the last byte, no NUL, and rejects), BIGLEN (QSHCHECK_OK
 * with a len past cap), BADRC (returns 7) and TOOSMALL (asks for a larger buffer forever);
 * otherwise it answers with the reference, like ref_plugin.c. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ref_glue.h"

static int has(const qshcheck_str *s, const char *word) {
    size_t w = strlen(word);
    for (size_t i = 0; i + w <= s->n; i++) {
        if (memcmp(s->p + i, word, w) == 0) {
            return 1;
        }
    }
    return 0;
}

static int canonical(const qshcheck_request *in, char *out, size_t cap, size_t *len, char *err,
                     size_t errcap) {
    if (has(&in->target, "CRASH")) {
        raise(SIGSEGV);
    }
    if (has(&in->target, "ABORT")) {
        abort();
    }
    if (has(&in->target, "PIDFILE")) {
        const char *path = getenv("BAD_PLUGIN_PIDFILE");
        FILE *f = path ? fopen(path, "w") : NULL;
        if (f != NULL) {
            fprintf(f, "%ld\n", (long)getpid());
            fclose(f);
        }
    }
    while (has(&in->target, "HANG") || has(&in->target, "PIDFILE")) {
    }
    if (has(&in->target, "ERRFULL")) {
        memset(err, 'E', errcap);
        return QSHCHECK_REJECTED;
    }
    if (has(&in->target, "BIGLEN")) {
        *len = cap + 1;
        return QSHCHECK_OK;
    }
    if (has(&in->target, "BADRC")) {
        return 7;
    }
    if (has(&in->target, "TOOSMALL")) {
        return QSHCHECK_TOO_SMALL;
    }
    return glue_canonical(in, out, cap, len, err, errcap);
}

static const qshcheck_plugin_table_v1 table = {QSHCHECK_PLUGIN_ABI,
                                               sizeof(qshcheck_plugin_table_v1),
                                               "bad-plugin",
                                               "1",
                                               canonical,
                                               NULL,
                                               NULL};

const qshcheck_plugin_table_v1 *qshcheck_plugin_v1(void) {
    return &table;
}
