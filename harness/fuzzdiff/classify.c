#include "fuzzdiff/classify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus/parts.h"
#include "corpus/request.h"
#include "mistakes/explain.h"
#include "protocol/supervisor.h"

qsh_status fd_reference(qsh_ctx *ctx, const qc_case *c, char **out, qsh_canonical *parts) {
    qsh_request req;
    *out = NULL;
    if (qc_request_from_case(c, &req) != 0) {
        return QSH_E_PROFILE_INVALID;
    }
    size_t bound = qsh_canonical_bound(&req);
    *out = malloc(bound ? bound : 1);
    if (*out == NULL) {
        return QSH_E_NO_MEMORY;
    }
    return qsh_canonicalize(ctx, &req, *out, bound ? bound : 1, parts);
}

int fd_not_run(const qc_answer *a) {
    return a->outcome == QC_OUT_SKIPPED && strcmp(a->status, QC_EXEC_NOT_RUN) == 0;
}

/* How a program failed, from the supervisor's reasons (protocol/PROTOCOL.md's failure table).
 * An exit is named as it happened ("was killed by signal 11 (...)"); the other reasons carry
 * ids or the bad line, so they are grouped. */
static void broken_label(const char *status, char *label, size_t cap) {
    static const struct {
        const char *has, *label;
    } groups[] = {
        {"the implementation hangs", "broken: it hangs (no answer within the timeout)"},
        {"qshcheck gave up", "broken: qshcheck gave up on it after failures in a row"},
        {"cannot be (re)started", "broken: it cannot be started again"},
        {"closed its output", "broken: it closed its output"},
    };
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        if (strstr(status, groups[i].has) != NULL) {
            snprintf(label, cap, "%s", groups[i].label);
            return;
        }
    }
    if (strncmp(status, "the implementation exited", 25) == 0 ||
        strncmp(status, "the implementation was killed", 29) == 0) {
        /* "exited with status N" or "was killed by signal N (NAME)": short, and a label of a
         * kind, not the whole status (which the case itself keeps), past 200 bytes */
        snprintf(label, cap, "broken: %.200s", status);
        return;
    }
    snprintf(label, cap, "broken: it broke the protocol (a malformed answer, a wrong id, ...)");
}

/* Names the mistakes that give the implementation's answer, e.g. "SpaceAsPlus or A + B". */
static void classify(qsh_ctx *ctx, const qc_case *c, const qc_answer *a, const char *mine,
                     size_t mine_len, int max_level, fd_verdict *v) {
    qsh_request req;
    qc_ways ws;
    size_t found[16], nfound = 0, off;
    const char *part = "qsh";
    if (a->request != NULL) {
        (void)qc_first_difference(mine, mine_len, a->request, a->request_len, &part, &off);
    }
    snprintf(v->label, sizeof v->label,
             "unexplained (the %s differs): no known mistake, alone or in pairs", part);
    if (qc_request_from_case(c, &req) != 0 ||
        qc_ways_init(&ws, ctx, &req, 1u << req.profile) != QSH_OK) {
        return;
    }
    ws.max_level = max_level;
    int level = a->request != NULL
                    ? qc_ways_explain(&ws, a->request, a->request_len, 0, found, 16, &nfound)
                    : qc_ways_explain(&ws, a->qsh, 64, 1, found, 16, &nfound);
    if (level >= 1) {
        size_t len = 0;
        v->label[0] = '\0';
        for (size_t i = 0; i < nfound && len < sizeof v->label; i++) {
            char one[128];
            qc_way_label(&ws.w[found[i]], one, sizeof one);
            int w = snprintf(v->label + len, sizeof v->label - len, "%s%s", i ? " or " : "", one);
            len += w > 0 ? (size_t)w : 0;
            for (int k = 0; k < QC_WAY_MAX; k++) {
                int m = ws.w[found[i]].mistake[k];
                v->mistakes |= m >= 0 ? (uint64_t)1 << m : 0;
            }
        }
    }
    qc_ways_free(&ws);
}

/* Whether an answer that canonicalized gives the reference's canonical request mine. */
static int same_answer(qsh_ctx *ctx, const qc_answer *a, const char *mine, size_t len) {
    if (a->request != NULL) {
        return a->request_len == len && memcmp(a->request, mine, len) == 0;
    }
    char hex[QSH_HEX_SIZE];
    return qsh_sha256_hex(ctx, mine, len, hex) == QSH_OK && memcmp(hex, a->qsh, 64) == 0;
}

void fd_judge(qsh_ctx *ctx, const qc_case *c, const qc_answer *a, int max_level, fd_verdict *v) {
    memset(v, 0, sizeof *v);
    if (a->outcome == QC_OUT_SKIPPED) {
        v->kind = FD_SKIPPED;
        return;
    }
    if (a->outcome == QC_OUT_BROKEN) {
        v->kind = FD_BROKEN;
        broken_label(a->status, v->label, sizeof v->label);
        return;
    }
    char *mine = NULL;
    qsh_canonical parts;
    qsh_status st = fd_reference(ctx, c, &mine, &parts);
    if (st != QSH_OK) {
        v->kind = a->outcome == QC_OUT_OK ? FD_LENIENT : FD_AGREE;
        snprintf(v->label, sizeof v->label, "canonicalizes a request the rules reject (%s)",
                 qsh_status_name(st));
    } else if (a->outcome == QC_OUT_ERROR) {
        v->kind = FD_REJECTS;
        snprintf(v->label, sizeof v->label, "rejects a request the rules canonicalize");
    } else if (same_answer(ctx, a, mine, parts.len)) {
        v->kind = FD_AGREE;
    } else {
        v->kind = FD_MISMATCH;
        classify(ctx, c, a, mine, parts.len, max_level, v);
    }
    free(mine);
}

int fd_same_verdict(const fd_verdict *a, const fd_verdict *b) {
    return a->kind == b->kind && strcmp(a->label, b->label) == 0;
}

int fd_keeps(const fd_verdict *now, const fd_verdict *v) {
    if (v->kind != now->kind) {
        return 0;
    }
    if (strcmp(v->label, now->label) == 0) {
        return 1;
    }
    return v->kind == FD_MISMATCH && now->mistakes != 0 && v->mistakes != 0 &&
           (v->mistakes & ~now->mistakes) == 0 && v->mistakes != now->mistakes;
}
