/* A plugin that misbehaves on purpose, to test that the harness contains it: on a target that
 * contains CRASH it dereferences NULL, on HANG it loops forever, on ABORT it aborts; otherwise
 * it answers with the reference, like ref_plugin.c. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

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
    while (has(&in->target, "HANG")) {
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
