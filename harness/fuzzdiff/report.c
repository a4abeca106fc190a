#include "fuzzdiff/report.h"

#include <stdio.h>
#include <stdlib.h>

static void finding(const fd_finding *f, qsh_ctx *ctx) {
    fg_case fc;
    fg_render(&f->req, &fc);
    printf("\n%5zu  %s\n       minimal: %s %s%s%s%s%s [%s]\n", f->count, f->v.label, fc.method,
           fc.target, fc.base_url[0] ? " base " : "", fc.base_url, fc.c.has_body ? " body " : "",
           fc.c.has_body ? fc.body : "", fc.profile);
    if (f->unshrunk != NULL) {
        printf("       (shrinking stopped before the end: %s)\n", f->unshrunk);
    }
    printf("       theirs:  %s\n", f->theirs ? f->theirs : "?");
    char *mine = NULL;
    qsh_canonical p;
    qsh_status st = fd_reference(ctx, &fc.c, &mine, &p);
    printf("       rules:   %s\n", st == QSH_OK ? mine : qsh_status_name(st));
    free(mine);
}

void fd_report(const fd_tally *t, const qc_impl *impl, qsh_ctx *ctx, const fd_figures *fig) {
    printf("fuzz-diff: %s %s, seed %llu: %llu requests in %.1f s (%llu skipped by the "
           "implementation)\n",
           impl->name, impl->version, fig->seed, fig->sent, fig->seconds, fig->skipped);
    printf("%llu disagreements, which shrink to %zu kinds of minimal request%s\n", fig->disagreed,
           t->nfound, t->nfound == FD_MAX_KINDS ? " (the most kept)" : "");
    if (t->uncounted) {
        printf("(%llu disagreements of kinds beyond the %d kept are counted only)\n", t->uncounted,
               FD_MAX_RAW);
    }
    size_t order[FD_MAX_KINDS];
    fd_tally_order(t, order);
    for (size_t k = 0; k < t->nfound; k++) {
        finding(&t->found[order[k]], ctx);
    }
}
