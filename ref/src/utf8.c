#include "utf8.h"

#include <stdint.h>
#include <string.h>

int utf8_valid(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        /* ASCII fast path: eight bytes at a time while none has its high bit set. */
        while (n - i >= 8) {
            uint64_t word;
            memcpy(&word, s + i, 8);
            if (word & UINT64_C(0x8080808080808080)) {
                break;
            }
            i += 8;
        }
        if (i >= n) {
            break;
        }
        unsigned char b = s[i];
        size_t need;
        unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
        if (b < 0x80) {
            i++;
            continue;
        } else if (b >= 0xC2 && b <= 0xDF) {
            need = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            need = 2;
            if (b == 0xE0) {
                lo = 0xA0; /* no overlong 3-byte forms */
            } else if (b == 0xED) {
                hi = 0x9F; /* no surrogates */
            }
        } else if (b >= 0xF0 && b <= 0xF4) {
            need = 3;
            if (b == 0xF0) {
                lo = 0x90; /* no overlong 4-byte forms */
            } else if (b == 0xF4) {
                hi = 0x8F; /* nothing above U+10FFFF */
            }
        } else {
            return 0;
        }
        if (n - i <= need) {
            return 0;
        }
        if (s[i + 1] < lo || s[i + 1] > hi) {
            return 0;
        }
        for (size_t k = 2; k <= need; k++) {
            if (s[i + k] < 0x80 || s[i + k] > 0xBF) {
                return 0;
            }
        }
        i += need + 1;
    }
    return 1;
}

/* Decodes one code point of well-formed UTF-8 at s[*i] and advances *i. */
static uint32_t next_code_point(const unsigned char *s, size_t *i) {
    unsigned char b = s[*i];
    uint32_t cp;
    size_t extra;
    if (b < 0x80) {
        cp = b;
        extra = 0;
    } else if (b < 0xE0) {
        cp = b & 0x1Fu;
        extra = 1;
    } else if (b < 0xF0) {
        cp = b & 0x0Fu;
        extra = 2;
    } else {
        cp = b & 0x07u;
        extra = 3;
    }
    for (size_t k = 1; k <= extra; k++) {
        cp = (cp << 6) | (s[*i + k] & 0x3Fu);
    }
    *i += extra + 1;
    return cp;
}

/* A key whose order is UTF-16 code-unit order: U+E000..U+FFFF sort after every supplementary
 * character, because those are encoded with surrogates D800..DBFF first. */
static uint32_t utf16_key(uint32_t cp) {
    return (cp >= 0xE000 && cp <= 0xFFFF) ? cp + 0x200000u : cp;
}

int utf16_order_cmp(const unsigned char *a, size_t an, const unsigned char *b, size_t bn) {
    size_t i = 0, j = 0;
    while (i < an && j < bn) {
        if (a[i] < 0x80 && b[j] < 0x80) { /* fast path: ASCII compares as bytes */
            if (a[i] != b[j]) {
                return a[i] < b[j] ? -1 : 1;
            }
            i++;
            j++;
            continue;
        }
        uint32_t ka = utf16_key(next_code_point(a, &i));
        uint32_t kb = utf16_key(next_code_point(b, &j));
        if (ka != kb) {
            return ka < kb ? -1 : 1;
        }
    }
    if (i < an) {
        return 1;
    }
    return j < bn ? -1 : 0;
}
