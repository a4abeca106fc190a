/* Fuzz target: the mistake catalogue's canonicalizer (harness/mistakes/mistaken.c) and the
 * explainer of diagnose and fuzz-diff (harness/mistakes/explain.c).
 *
 * Input framing: bytes 0..7 are a set of mistakes (bit i of the little-endian 64-bit number is
 * the catalogue's mistake i, so the catalogue can grow to 64 without a new framing); bit 0 of
 * byte 8 chooses the product profile; the rest is split at 0xFF bytes into method, target,
 * base URL, body and content type, as in fuzz_request.
 *
 * Properties: for a request the reference accepts, the catalogue's canonicalizer gives a
 * NUL-terminated canonical request whatever the mistakes (its own code, without the
 * reference's checks, never fails where the rules succeed); the explainer's ways start, and
 * the correct way (no mistake) is the reference's canonical request byte for byte (a second
 * implementation of the rules, checked against the first), as the catalogue's canonicalizer
 * without mistakes is; and the explainer finds that request at level 0, the correct rules.
 * For a request the reference rejects, the explainer holds no way and gives no request. */
#include <stdint.h>
#include <string.h>

#include "mistakes/explain.h"
#include "fuzz_input.h"
#include "fuzz_props.h"
#include "mistakes/catalogue.h"
#include "qsh/qsh.h"

static qsh_ctx *ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 9 || size > 16384) {
        return 0;
    }
    if (ctx == NULL && (ctx = qsh_ctx_new()) == NULL) {
        abort();
    }
    uint64_t mask = 0;
    for (size_t i = 0; i < 8; i++) {
        mask |= (uint64_t)data[i] << (8 * i);
    }
    _Static_assert(QC_MISTAKE_COUNT < 64, "the input framing holds 64 mistakes");
    mask &= ((uint64_t)1 << QC_MISTAKE_COUNT) - 1;
    qsh_request r = fuzz_request_of(data + 9, size - 9,
                                    (data[8] & 1) ? QSH_PROFILE_PRODUCT : QSH_PROFILE_SERVER);
    static char want[7 * 16384 + 64]; /* the bound of the largest input */
    size_t bound = qsh_canonical_bound(&r);
    prop(bound <= sizeof want, "a bound larger than documented");
    qsh_canonical parts;
    qsh_status ref = qsh_canonicalize(ctx, &r, want, bound ? bound : 1, &parts);
    qc_ways ws;
    qsh_status wst = qc_ways_init(&ws, ctx, &r, 1u << r.profile);
    if (ref != QSH_OK) {
        prop(wst != QSH_OK && qc_ways_correct(&ws, r.profile) == NULL,
             "the explainer has a way for a request the reference rejects");
        qc_ways_free(&ws);
        return 0;
    }
    prop(wst == QSH_OK, "the explainer fails on a request the reference accepts");
    const qc_way *correct = qc_ways_correct(&ws, r.profile);
    prop(correct != NULL && correct->len == parts.len &&
             memcmp(correct->request, want, parts.len) == 0,
         "the correct way is not the reference's request");

    char *got = NULL;
    size_t got_len = 0;
    qsh_status st = qc_mistaken_canonical_checked(&r, mask, &got, &got_len);
    prop(st == QSH_OK && got != NULL,
         "the catalogue's canonicalizer fails on a request the reference accepts");
    prop(got[got_len] == '\0' && strlen(got) <= got_len, "not NUL-terminated");
    if (mask == 0) {
        prop(got_len == parts.len && memcmp(got, want, got_len) == 0,
             "without mistakes, the catalogue's canonical request is not the reference's");
    }
    free(got);

    size_t found[4], nfound = 0;
    int level = qc_ways_explain(&ws, want, parts.len, 0, found, 4, &nfound);
    prop(level == 0 && nfound == 1 && ws.w[found[0]].mistake[0] < 0,
         "the correct canonical request is not explained by the correct rules");
    qc_ways_free(&ws);
    return 0;
}
