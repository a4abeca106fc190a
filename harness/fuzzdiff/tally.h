/* The kinds of disagreement a fuzz-diff run found, and how many of each. Random requests often
 * show several mistakes at once, so each kind as first seen (raw) is shrunk once, and its
 * disagreements are counted under the kind of its minimal request. */
#ifndef QC_FUZZ_TALLY_H
#define QC_FUZZ_TALLY_H

#include <stddef.h>

#include "fuzzdiff/shrink.h"

enum {
    FD_MAX_RAW = 256, /* kinds of disagreement as first seen, each shrunk once */
    FD_MAX_KINDS = 64 /* kinds of minimal disagreement, reported and written */
};

typedef struct fd_raw {
    fd_verdict v;
    size_t count;
    int final; /* index into found, or -1 when found is full */
} fd_raw;

typedef struct fd_tally {
    fd_finding found[FD_MAX_KINDS];
    size_t nfound;
    fd_raw raw[FD_MAX_RAW];
    size_t nraw;
    unsigned long long uncounted; /* disagreements of kinds beyond FD_MAX_RAW or FD_MAX_KINDS */
} fd_tally;

/* Counts one disagreement. Returns its raw kind when it is new (to be shrunk, then filed with
 * fd_tally_file), else NULL. */
fd_raw *fd_tally_record(fd_tally *t, const fd_verdict *v);

/* Files a shrunk finding of raw under its minimal kind; t then owns f->theirs. */
void fd_tally_file(fd_tally *t, fd_raw *raw, fd_finding *f);

/* Sets each minimal kind's count: the disagreements of the raw kinds that shrank to it. */
void fd_tally_count(fd_tally *t);

/* The order to report the kinds in, the commonest first (ties in the order found). */
void fd_tally_order(const fd_tally *t, size_t order[FD_MAX_KINDS]);

void fd_tally_free(fd_tally *t);

#endif
