/* Fuzz target: path canonicalization with base paths.
 *
 * Input framing: byte 0 selects the profile (bit 0: product); the rest is split at the first
 * '\n' into a base path and a request target. Bytes that cannot be on the wire are mapped onto
 * printable ASCII (0x21 + b % 94). The base URL is "https://h.example/" followed by the base
 * path; the method is GET.
 *
 * Properties: the status is one that a path can cause; the canonical URI starts with '/', has
 * no raw '&' and, in the server profile, consists of bytes of the target plus '/' and "%26"
 * (nothing decoded or re-encoded), at most 3 bytes per input byte; in the product profile it
 * is valid UTF-8 (decoded from checked escapes). */
#include <stdint.h>

#include "fuzz_props.h"
#include "qsh/qsh.h"

#define MAX_PART 4096

static qsh_ctx *ctx;

/* Lead bytes and continuation bytes in the right places (a weaker check than the reference's,
 * written separately from it). */
static int utf8_ok(const unsigned char *s, size_t n) {
    for (size_t i = 0; i < n;) {
        unsigned char b = s[i];
        size_t k;
        if (b < 0x80) {
            k = 0;
        } else if (b >= 0xC2 && b <= 0xDF) {
            k = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            k = 2;
        } else if (b >= 0xF0 && b <= 0xF4) {
            k = 3;
        } else {
            return 0;
        }
        if (n - i <= k) {
            return 0;
        }
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80) {
                return 0;
            }
        }
        i += k + 1;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char base[MAX_PART + 32], target[MAX_PART];
    static char out[3 * MAX_PART + 64];
    if (size < 1 || size > MAX_PART) {
        return 0;
    }
    if (ctx == NULL && (ctx = qsh_ctx_new()) == NULL) {
        abort();
    }
    qsh_profile profile = (data[0] & 1) ? QSH_PROFILE_PRODUCT : QSH_PROFILE_SERVER;
    const uint8_t *rest = data + 1, *nl = memchr(rest, '\n', size - 1);
    size_t base_len = nl ? (size_t)(nl - rest) : 0;
    const uint8_t *t = nl ? nl + 1 : rest;
    size_t target_len = size - 1 - (nl ? base_len + 1 : 0);
    memcpy(base, "https://h.example/", 18);
    map_wire(rest, base_len, base + 18);
    map_wire(t, target_len, target);

    qsh_request r = {"GET", 3, target, target_len, base, 18 + base_len, profile, NULL, 0, NULL, 0};
    qsh_canonical parts;
    qsh_status st = qsh_canonicalize(ctx, &r, out, sizeof out, &parts);
    if (st != QSH_OK) {
        int expected = st == QSH_E_PERCENT_MALFORMED || st == QSH_E_UTF8_INVALID ||
                       st == QSH_E_BASE_URL_INVALID || st == QSH_E_BASE_URL_TOO_LONG ||
                       st == QSH_E_TARGET_EMPTY || st == QSH_E_URL_INVALID ||
                       st == QSH_E_URL_SCHEME || st == QSH_E_ORIGIN_MISMATCH;
        if (!expected) {
            fprintf(stderr, "status %s\n", qsh_status_name(st));
        }
        prop(expected, "unexpected status");
        return 0;
    }
    const char *u = out + parts.uri_off;
    prop_uri(u, parts.uri_len);
    prop(parts.uri_len <= 3 * target_len + 1, "URI longer than 3 bytes per input byte");
    if (profile == QSH_PROFILE_SERVER) {
        for (size_t i = 0; i < parts.uri_len; i++) {
            if (u[i] == '%' && i + 2 < parts.uri_len && u[i + 1] == '2' && u[i + 2] == '6') {
                i += 2;
                continue;
            }
            prop(u[i] == '/' || memchr(target, u[i], target_len) != NULL,
                 "server URI has a byte the target does not");
        }
    } else {
        prop(utf8_ok((const unsigned char *)u, parts.uri_len), "product URI is not UTF-8");
    }
    prop_query(out + parts.query_off, parts.query_len);
    return 0;
}
