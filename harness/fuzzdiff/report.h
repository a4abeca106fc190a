/* The text report of a fuzz-diff run on stdout: the figures, then each kind of minimal
 * disagreement, the commonest first, with the implementation's answer and the rules'. */
#ifndef QC_FUZZ_REPORT_H
#define QC_FUZZ_REPORT_H

#include "fuzzdiff/tally.h"

typedef struct fd_figures {
    unsigned long long seed, sent, skipped, disagreed;
    double seconds;
} fd_figures;

void fd_report(const fd_tally *t, const qc_impl *impl, qsh_ctx *ctx, const fd_figures *fig);

#endif
