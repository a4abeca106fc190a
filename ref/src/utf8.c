#include "utf8.h"

#include "qsh/canonical.h"

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

int qsh_utf8_valid(const char *s, size_t n) {
    return s != NULL ? utf8_valid((const unsigned char *)s, n) : n == 0;
}
