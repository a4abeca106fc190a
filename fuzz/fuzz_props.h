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

/* Strict UTF-8 (Unicode table 3-7): no overlong forms, no surrogates, nothing above U+10FFFF,
 * no cut sequence. Written from the table, separately from the reference's checks. */
static inline int prop_utf8_strict(const unsigned char *s, size_t n) {
    for (size_t i = 0; i < n;) {
        unsigned char b = s[i];
        size_t k;
        unsigned long cp, min;
        if (b < 0x80) {
            i++;
            continue;
        } else if ((b & 0xE0) == 0xC0) {
            k = 1, cp = b & 0x1Fu, min = 0x80;
        } else if ((b & 0xF0) == 0xE0) {
            k = 2, cp = b & 0x0Fu, min = 0x800;
        } else if ((b & 0xF8) == 0xF0) {
            k = 3, cp = b & 0x07u, min = 0x10000;
        } else {
            return 0; /* a continuation byte, or F8..FF */
        }
        if (n - i <= k) {
            return 0;
        }
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80) {
                return 0;
            }
            cp = cp << 6 | (s[i + j] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return 0;
        }
        i += k + 1;
    }
    return 1;
}

/* The next UTF-16 code unit of strict UTF-8 text s[0..n) from *i; *low holds the second
 * half of a surrogate pair between calls (0 when none). */
static inline unsigned prop_utf16_next(const unsigned char *s, size_t *i, unsigned *low) {
    if (*low != 0) {
        unsigned u = *low;
        *low = 0;
        return u;
    }
    unsigned char b = s[*i];
    size_t k = b < 0x80 ? 0 : b < 0xE0 ? 1 : b < 0xF0 ? 2 : 3;
    unsigned long cp = k == 0 ? b : k == 1 ? (b & 0x1Fu) : k == 2 ? (b & 0x0Fu) : (b & 0x07u);
    for (size_t j = 1; j <= k; j++) {
        cp = cp << 6 | (s[*i + j] & 0x3Fu);
    }
    *i += k + 1;
    if (cp < 0x10000) {
        return (unsigned)cp;
    }
    *low = 0xDC00u + (unsigned)((cp - 0x10000) & 0x3FF);
    return 0xD800u + (unsigned)((cp - 0x10000) >> 10);
}

/* Compares two strict UTF-8 texts by their UTF-16 code units (Java's String.compareTo). */
static inline int prop_utf16_cmp(const unsigned char *a, size_t an, const unsigned char *b,
                                 size_t bn) {
    size_t i = 0, j = 0;
    unsigned al = 0, bl = 0;
    while ((i < an || al) && (j < bn || bl)) {
        unsigned x = prop_utf16_next(a, &i, &al), y = prop_utf16_next(b, &j, &bl);
        if (x != y) {
            return x < y ? -1 : 1;
        }
    }
    int a_left = i < an || al, b_left = j < bn || bl;
    return a_left - b_left;
}

/* The canonical URI starts with '/' and has no raw '&'. */
static inline void prop_uri(const char *u, size_t n) {
    prop(n >= 1 && u[0] == '/', "URI does not start with '/'");
    prop(memchr(u, '&', n) == NULL, "raw '&' in the URI");
}

#endif
