/* The candidate vectors of fuzz-diff: each minimal request with the reference's expectation,
 * in corpus format, in DIR/fuzz_diff_seed<S>.json. The place is checked before the run, so that
 * a bad --out costs nothing, and the file is written whole (through a temporary file) or not
 * at all. */
#ifndef QC_FUZZ_CANDIDATES_H
#define QC_FUZZ_CANDIDATES_H

#include <stddef.h>

#include "fuzzdiff/tally.h"

typedef struct fd_out {
    char path[4096]; /* DIR/fuzz_diff_seed<S>.json */
    char dir[4096];
    int made_dir; /* DIR was made by fd_out_check: removed again when nothing is written */
} fd_out;

/* Makes DIR when it is missing (not its parents) and checks that a file can be created in it
 * and that the path is not a folder. 0, or -1 with a message printed. */
int fd_out_check(fd_out *o, const char *dir, unsigned long long seed);

/* Writes the findings of t. 0, or -1 with a message printed. */
int fd_out_write(const fd_out *o, const fd_tally *t, const qc_impl *impl, qsh_ctx *ctx,
                 unsigned long long seed);

/* Nothing to write: removes DIR when fd_out_check made it and it is still empty. */
void fd_out_discard(const fd_out *o);

#endif
