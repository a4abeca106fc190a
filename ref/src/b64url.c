/* Strict base64url (RFC 4648 section 5, no padding): only A-Z a-z 0-9 - _, no length that
 * leaves a lone character, and the unused low bits of the last character zero, so that each
 * byte string has exactly one encoding. Lenient decoders that accept more let a token be
 * re-encoded without breaking its signature (docs/RULES.md, Connect JWTs). */
#include <string.h>

#include "b64url.h"

static int b64_value(unsigned char c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '-') {
        return 62;
    }
    if (c == '_') {
        return 63;
    }
    return -1;
}

qsh_status qsh_b64url_decode(const char *in, size_t n, unsigned char *out, size_t cap,
                             size_t *out_len) {
    const unsigned char *s = (const unsigned char *)in;
    size_t o = 0, i = 0;
    if ((in == NULL && n > 0) || (out == NULL && cap > 0) || out_len == NULL) {
        return QSH_E_NULL_ARG;
    }
    if (n % 4 == 1) {
        return QSH_E_B64_INVALID;
    }
    if (cap < n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1)) { /* 2 and 3 characters give 1 and 2 */
        return QSH_E_BUFFER_TOO_SMALL;
    }
    for (; i + 4 <= n; i += 4) {
        int a = b64_value(s[i]), b = b64_value(s[i + 1]), c = b64_value(s[i + 2]),
            d = b64_value(s[i + 3]);
        if ((a | b | c | d) < 0) {
            return QSH_E_B64_INVALID;
        }
        out[o++] = (unsigned char)(a << 2 | b >> 4);
        out[o++] = (unsigned char)((b & 15) << 4 | c >> 2);
        out[o++] = (unsigned char)((c & 3) << 6 | d);
    }
    size_t rest = n - i;
    if (rest >= 2) {
        int a = b64_value(s[i]), b = b64_value(s[i + 1]);
        int c = rest == 3 ? b64_value(s[i + 2]) : 0;
        if (a < 0 || b < 0 || c < 0) {
            return QSH_E_B64_INVALID;
        }
        out[o++] = (unsigned char)(a << 2 | b >> 4);
#ifndef QSHCHECK_MUTANT_B64_UNUSED_BITS /* a planted bug for the fuzz mutation check */
        if (rest == 2 && (b & 15) != 0) {
            return QSH_E_B64_INVALID; /* unused bits set */
        }
#endif
        if (rest == 3) {
            out[o++] = (unsigned char)((b & 15) << 4 | c >> 2);
#ifndef QSHCHECK_MUTANT_B64_UNUSED_BITS
            if ((c & 3) != 0) {
                return QSH_E_B64_INVALID;
            }
#endif
        }
    }
    *out_len = o;
    return QSH_OK;
}

size_t b64url_encode(const unsigned char *in, size_t n, char *out) {
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t o = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        out[o++] = alphabet[v >> 18];
        out[o++] = alphabet[v >> 12 & 63];
        out[o++] = alphabet[v >> 6 & 63];
        out[o++] = alphabet[v & 63];
    }
    if (n - i == 1) {
        unsigned v = (unsigned)in[i] << 16;
        out[o++] = alphabet[v >> 18];
        out[o++] = alphabet[v >> 12 & 63];
    } else if (n - i == 2) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
        out[o++] = alphabet[v >> 18];
        out[o++] = alphabet[v >> 12 & 63];
        out[o++] = alphabet[v >> 6 & 63];
    }
    return o;
}
