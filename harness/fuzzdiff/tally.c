#include "fuzzdiff/tally.h"

#include <stdlib.h>

fd_raw *fd_tally_record(fd_tally *t, const fd_verdict *v) {
    for (size_t i = 0; i < t->nraw; i++) {
        if (fd_same_verdict(&t->raw[i].v, v)) {
            t->raw[i].count++;
            return NULL;
        }
    }
    if (t->nraw == FD_MAX_RAW) {
        t->uncounted++;
        return NULL;
    }
    fd_raw *raw = &t->raw[t->nraw++];
    raw->v = *v;
    raw->count = 1;
    raw->final = -1;
    return raw;
}

void fd_tally_file(fd_tally *t, fd_raw *raw, fd_finding *f) {
    for (size_t i = 0; i < t->nfound; i++) {
        if (fd_same_verdict(&t->found[i].v, &f->v)) {
            raw->final = (int)i;
            free(f->theirs);
            return;
        }
    }
    if (t->nfound == FD_MAX_KINDS) {
        free(f->theirs);
        return;
    }
    raw->final = (int)t->nfound;
    t->found[t->nfound++] = *f;
}

void fd_tally_count(fd_tally *t) {
    for (size_t i = 0; i < t->nfound; i++) {
        t->found[i].count = 0;
    }
    for (size_t i = 0; i < t->nraw; i++) {
        if (t->raw[i].final >= 0) {
            t->found[t->raw[i].final].count += t->raw[i].count;
        } else {
            t->uncounted += t->raw[i].count;
        }
    }
}

void fd_tally_order(const fd_tally *t, size_t order[FD_MAX_KINDS]) {
    for (size_t i = 0; i < t->nfound; i++) {
        size_t j = i;
        for (; j > 0 && t->found[order[j - 1]].count < t->found[i].count; j--) {
            order[j] = order[j - 1];
        }
        order[j] = i;
    }
}

void fd_tally_free(fd_tally *t) {
    for (size_t i = 0; i < t->nfound; i++) {
        free(t->found[i].theirs);
    }
    t->nfound = 0;
}
