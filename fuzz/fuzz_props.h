/* Properties of canonical output that every fuzz target checks, written independently of the
 * reference's own code: a broken property aborts, so the fuzzer reports it like a crash. */
#ifndef QSH_FUZZ_PROPS_H
#define QSH_FUZZ_PROPS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void prop(int ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "property broken: %s\n", what);
        abort();
    }
}

/* Maps bytes that cannot be on the wire onto printable ASCII (0x21 + b % 94), so that an input
 * reaches the parser under test instead of stopping at QSH_E_TARGET_BYTE. */
static inline void map_wire(const unsigned char *in, size_t n, char *out) {
    for (size_t i = 0; i < n; i++) {
        out[i] = (char)((in[i] >= 0x21 && in[i] <= 0x7E) ? in[i] : 0x21 + in[i] % 94);
    }
}

static inline int prop_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

static inline int prop_unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

/* Decodes an encoded component and encodes it again: it must come back byte for byte, which
 * holds only if every unreserved byte is raw and every other byte is %XX in upper case. */
static inline void prop_roundtrip(const char *s, size_t n) {
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n;) {
        unsigned char b;
        size_t w;
        if (s[i] == '%') {
            prop(i + 2 < n, "escape cut at the end");
            prop(prop_hex(s[i + 1]) && prop_hex(s[i + 2]), "escape with non upper-case hex");
            b = (unsigned char)(((s[i + 1] <= '9' ? s[i + 1] - '0' : s[i + 1] - 'A' + 10) << 4) |
                                (s[i + 2] <= '9' ? s[i + 2] - '0' : s[i + 2] - 'A' + 10));
            w = 3;
            prop(!prop_unreserved(b), "an unreserved byte is escaped");
            prop(s[i + 1] == hex[b >> 4] && s[i + 2] == hex[b & 15], "escape not canonical");
        } else {
            prop(prop_unreserved((unsigned char)s[i]), "a reserved byte is raw");
            w = 1;
        }
        i += w;
    }
}

/* The canonical query: name=v1,v2&name2=v, names strictly increasing (sorted and unique) and
 * never jwt, every component canonically encoded. Returns the number of values. */
static inline size_t prop_query(const char *q, size_t n) {
    size_t values = 0;
    const char *prev = NULL;
    size_t prev_len = 0;
    size_t i = 0;
    while (i < n) {
        size_t end = i;
        while (end < n && q[end] != '&') {
            end++;
        }
        const char *eq = memchr(q + i, '=', end - i);
        prop(eq != NULL, "a parameter without '='");
        size_t name_len = (size_t)(eq - (q + i));
        prop(name_len > 0, "an empty name");
        prop(!(name_len == 3 && memcmp(q + i, "jwt", 3) == 0), "jwt in the canonical query");
        prop_roundtrip(q + i, name_len);
        if (prev != NULL) {
            size_t m = prev_len < name_len ? prev_len : name_len;
            int c = memcmp(prev, q + i, m);
            prop(c < 0 || (c == 0 && prev_len < name_len), "names not strictly increasing");
        }
        prev = q + i;
        prev_len = name_len;
        for (size_t v = name_len + 1 + i; v <= end;) {
            size_t ve = v;
            while (ve < end && q[ve] != ',') {
                ve++;
            }
            prop_roundtrip(q + v, ve - v);
            values++;
            v = ve + 1;
        }
        prop(end == n || end + 1 < n, "a trailing '&'");
        i = end + 1;
    }
    return values;
}

/* The canonical URI starts with '/' and has no raw '&'. */
static inline void prop_uri(const char *u, size_t n) {
    prop(n >= 1 && u[0] == '/', "URI does not start with '/'");
    prop(memchr(u, '&', n) == NULL, "raw '&' in the URI");
}

#endif
