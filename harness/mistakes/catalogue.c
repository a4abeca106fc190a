/* The catalogue's table and the lookups by name. */
#include "mistakes/catalogue.h"

#include <stdio.h>
#include <string.h>

const qc_mistake qc_mistakes[QC_MISTAKE_COUNT] = {
#define QC_MISTAKE_ROW(name, spec, what, rule) {#name, spec, what, rule},
    QC_MISTAKE_LIST(QC_MISTAKE_ROW)
#undef QC_MISTAKE_ROW
};

int qc_mistake_find(const char *name, size_t n) {
    for (int i = 0; i < QC_MISTAKE_COUNT; i++) {
        if (strlen(qc_mistakes[i].name) == n && memcmp(qc_mistakes[i].name, name, n) == 0) {
            return i;
        }
    }
    return -1;
}

int qc_mistakes_parse(const char *list, uint64_t *mask, char *err, size_t errcap) {
    *mask = 0;
    const char *p = list;
    while (*p != '\0') {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n > 0) {
            int i = qc_mistake_find(p, n);
            if (i < 0) {
                snprintf(err, errcap, "unknown mistake '%.*s' (`qshcheck mistakes` lists them)",
                         (int)(n > 64 ? 64 : n), p);
                return -1;
            }
            *mask |= (uint64_t)1 << i;
        }
        p += n + (end ? 1 : 0);
    }
    return 0;
}
