/* The request framing that fuzz_request and fuzz_mistakes share: the bytes are split at 0xFF
 * into method, target, base URL, body and content type (missing fields are empty, a sixth and
 * later ones ignored), passed as they are so that controls, NUL and non-ASCII reach the
 * reference's own checks. */
#ifndef QSH_FUZZ_INPUT_H
#define QSH_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "qsh/qsh.h"

static inline qsh_request fuzz_request_of(const uint8_t *data, size_t n, qsh_profile profile) {
    const char *f[5] = {"", "", "", "", ""};
    size_t len[5] = {0, 0, 0, 0, 0}, k = 0, start = 0;
    for (size_t i = 0; i <= n && k < 5; i++) {
        if (i == n || data[i] == 0xFF) {
            f[k] = (const char *)data + start;
            len[k] = i - start;
            k++;
            start = i + 1;
        }
    }
    qsh_request r = {f[0], len[0], f[1], len[1], f[2], len[2], profile, f[3], len[3], f[4], len[4]};
    return r;
}

#endif
