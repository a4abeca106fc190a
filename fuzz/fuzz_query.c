/* Fuzz target: query canonicalization.
 *
 * Input: the bytes of a query. Bytes that cannot be on the wire are mapped onto printable
 * ASCII (0x21 + b % 94), so that every input reaches the query parser instead of stopping at
 * QSH_E_TARGET_BYTE; fuzz_request covers that check. The request is "GET /q?<query>".
 *
 * Properties: only QSH_OK, QSH_E_PERCENT_MALFORMED or QSH_E_UTF8_INVALID; the canonical query
 * is canonically encoded, its names sorted, unique and never jwt (prop_query); and no
 * parameter is lost or invented: the number of values equals the number of pieces before '#'
 * that are non-empty and whose decoded name is neither empty nor jwt. */
#include <stdint.h>

#include "fuzz_props.h"
#include "qsh/qsh.h"

#define MAX_QUERY 8192

static qsh_ctx *ctx;

/* Form-decodes s[0..n) into out and returns the length (the input is known to be valid). */
static size_t form_decode(const char *s, size_t n, char *out) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            char h[3] = {s[i + 1], s[i + 2], 0};
            out[k++] = (char)strtol(h, NULL, 16);
            i += 2;
        } else {
            out[k++] = s[i] == '+' ? ' ' : s[i];
        }
    }
    return k;
}

static size_t expected_values(const char *q, size_t n) {
    static char name[MAX_QUERY];
    size_t count = 0, i = 0;
    const char *hash = memchr(q, '#', n);
    if (hash != NULL) {
        n = (size_t)(hash - q);
    }
    while (i <= n) {
        size_t end = i;
        while (end < n && q[end] != '&') {
            end++;
        }
        if (end > i) {
            const char *eq = memchr(q + i, '=', end - i);
            size_t raw_len = eq ? (size_t)(eq - (q + i)) : end - i;
            size_t len = form_decode(q + i, raw_len, name);
            if (len > 0 && !(len == 3 && memcmp(name, "jwt", 3) == 0)) {
                count++;
            }
        }
        i = end + 1;
    }
    return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char target[MAX_QUERY + 4];
    static char out[6 * MAX_QUERY + 64];
    if (size > MAX_QUERY) {
        return 0;
    }
    if (ctx == NULL && (ctx = qsh_ctx_new()) == NULL) {
        abort();
    }
    memcpy(target, "/q?", 3);
    map_wire(data, size, target + 3);
    qsh_request r = {"GET", 3, target, size + 3, NULL, 0, QSH_PROFILE_SERVER, NULL, 0, NULL, 0};
    qsh_canonical parts;
    size_t bound = qsh_canonical_bound(&r);
    prop(bound <= sizeof out, "bound larger than documented");
    qsh_status st = qsh_canonicalize(ctx, &r, out, bound, &parts);
    if (st != QSH_OK) {
        prop(st == QSH_E_PERCENT_MALFORMED || st == QSH_E_UTF8_INVALID, "unexpected status");
        prop(parts.len == 0, "parts set on failure");
        return 0;
    }
    prop(parts.len < bound && out[parts.len] == '\0', "output not terminated within bound");
    prop(parts.uri_len == 2 && memcmp(out + parts.uri_off, "/q", 2) == 0, "URI changed");
    /* 3 bytes per input byte, and one '=' for a last piece that has none ("+[" gives
     * "%20%5B="); every other '='-less piece is followed by a '&' that pays for its '='. */
    prop(parts.query_len <= 3 * size + 1, "query longer than 3 bytes per input byte, plus 1");
    size_t values = prop_query(out + parts.query_off, parts.query_len);
    prop(values == expected_values(target + 3, size), "a parameter was lost or invented");
    return 0;
}
