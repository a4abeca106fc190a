/* Fuzz target: path canonicalization with base paths.
 *
 * Input framing: byte 0 selects the profile (bit 0: product); the rest is split at the first
 * '\n' into a base path and a request target. Bytes that cannot be on the wire are mapped onto
 * printable ASCII (0x21 + b % 94). The base URL is "https://h.example/" followed by the base
 * path; the method is GET.
 *
 * Properties: the status is one that a path can cause; the canonical URI is exactly what a
 * model of the rules written here gives (the base path stripped only on a segment boundary,
 * exactly one trailing '/' removed, '&' as %26; the path as sent for a server, percent-decoded
 * for a product); it starts with '/' and has no raw '&'; in the product profile it is strict
 * UTF-8 (no overlong forms, surrogates or code points above U+10FFFF), and a path that does
 * not decode to strict UTF-8 is refused; a malformed escape is never accepted. */
#include <ctype.h>
#include <stdint.h>

#include "fuzz_props.h"
#include "qsh/qsh.h"

#define MAX_PART 4096

static qsh_ctx *ctx;

/* Percent-decodes s[0..n) into out; 0 when an escape is malformed. */
static int pct_decode_model(const char *s, size_t n, unsigned char *out, size_t *len) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            out[k++] = (unsigned char)s[i];
            continue;
        }
        if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) ||
            !isxdigit((unsigned char)s[i + 2])) {
            return 0;
        }
        char h[3] = {s[i + 1], s[i + 2], 0};
        out[k++] = (unsigned char)strtol(h, NULL, 16);
        i += 2;
    }
    *len = k;
    return 1;
}

/* The path of a request target: after "scheme://authority" when it has one, up to the first
 * '?' or '#'. */
static const char *target_path(const char *t, size_t n, size_t *len) {
    size_t i = 0;
    if (n > 0 && isalpha((unsigned char)t[0])) {
        i = 1;
        while (i < n &&
               (isalnum((unsigned char)t[i]) || t[i] == '+' || t[i] == '-' || t[i] == '.')) {
            i++;
        }
        if (n - i >= 3 && memcmp(t + i, "://", 3) == 0) {
            i += 3;
            while (i < n && t[i] != '/' && t[i] != '?' && t[i] != '#') {
                i++;
            }
        } else {
            i = 0;
        }
    }
    size_t end = i;
    while (end < n && t[end] != '?' && t[end] != '#') {
        end++;
    }
    *len = end - i;
    return t + i;
}

/* The canonical URI the rules give: the base path (trailing '/' trimmed) stripped when the path
 * equals it or goes on with '/', then exactly one trailing '/' removed, a '/' in front when
 * none is left, and every '&' written %26. */
static size_t model_uri(const unsigned char *path, size_t n, const unsigned char *base, size_t bn,
                        char *out) {
    size_t k = 0;
    while (bn > 0 && base[bn - 1] == '/') {
        bn--;
    }
    if (bn > 0 && n >= bn && memcmp(path, base, bn) == 0 && (n == bn || path[bn] == '/')) {
        path += bn;
        n -= bn;
    }
    if (n > 1 && path[n - 1] == '/') {
        n--;
    }
    if (n == 0 || path[0] != '/') {
        out[k++] = '/';
    }
    for (size_t i = 0; i < n; i++) {
        if (path[i] == '&') {
            memcpy(out + k, "%26", 3);
            k += 3;
        } else {
            out[k++] = (char)path[i];
        }
    }
    return k;
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
    /* The model's path and base path: as sent for a server, decoded for a product. */
    static unsigned char path_dec[MAX_PART], base_dec[MAX_PART + 32];
    static char want[3 * MAX_PART + 64];
    size_t path_len, bpath_len = base_len + 1;
    const char *raw_path = target_path(target, target_len, &path_len);
    const unsigned char *path = (const unsigned char *)raw_path,
                        *bpath = (const unsigned char *)base + 17; /* "/" and the base path */
    int decoded_ok = 1;
    if (profile == QSH_PROFILE_PRODUCT) {
        decoded_ok = pct_decode_model(raw_path, path_len, path_dec, &path_len);
        if (decoded_ok && !prop_utf8_strict(path_dec, path_len)) {
            prop(st != QSH_OK, "a path that is not strict UTF-8 was accepted");
        }
        path = path_dec;
        if (st == QSH_OK) {
            prop(pct_decode_model(base + 17, bpath_len, base_dec, &bpath_len),
                 "a base path with a malformed escape was accepted");
            bpath = base_dec;
        }
    } else {
        for (size_t i = 0; i < path_len; i++) {
            decoded_ok &= path[i] != '%' ||
                          (i + 2 < path_len && isxdigit(path[i + 1]) && isxdigit(path[i + 2]));
        }
    }
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
    prop(decoded_ok, "a malformed escape in the path was accepted");
    if (profile == QSH_PROFILE_PRODUCT) {
        prop(prop_utf8_strict((const unsigned char *)u, parts.uri_len),
             "product URI is not strict UTF-8");
    }
    size_t want_len = model_uri(path, path_len, bpath, bpath_len, want);
    prop(want_len == parts.uri_len && memcmp(want, u, want_len) == 0,
         "the URI is not the path's, base path stripped on a segment boundary and one trailing "
         "'/' removed");
    prop_query(out + parts.query_off, parts.query_len);
    return 0;
}
