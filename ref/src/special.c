#include "special.h"

#include "ascii.h"
#include "mask16.h"

/* Whether the escape "%hl" is copied as it is: an ASCII byte that is not unreserved, written
 * with uppercase digits, is encoded again exactly so. (Others are not: an unreserved byte is
 * written plain, lowercase digits are raised, bytes from 0x80 up are checked as UTF-8.) With
 * branches: a version without them (table lookups and masks) measured 5% slower. */
static int escape_passes(unsigned char h, unsigned char l) {
    if (h < '0' || h > '7' || l > 'F' || qsh_hex_digit[l] == 0xFF) {
        return 0;
    }
    return !bc_is((unsigned char)((h - '0') << 4 | qsh_hex_digit[l]), QSH_BC_UNRESERVED);
}

/* w without the bits of the '%'s flagged in pct (bits of the 64 bytes from p + at) that begin
 * an escape copied as it is: a JQL or CQL query is mostly such escapes (%20, %3D, %22), and
 * each flagged byte costs the transcoder a stop, while a run costs it a copy. */
static uint64_t pass_escapes(uint64_t w, uint64_t pct, const unsigned char *p, size_t at,
                             size_t n) {
    while (pct != 0) {
        size_t j = at + (size_t)__builtin_ctzll(pct);
        if (n - j >= 3 && escape_passes(p[j + 1], p[j + 2])) {
            w &= ~((uint64_t)1 << (j - at));
        }
        pct &= pct - 1;
    }
    return w;
}

void special_bits(const unsigned char *p, size_t n, uint64_t *bits) {
    size_t i = 0;
    uint64_t w = 0, pct = 0;
    for (; n - i >= 16; i += 16) {
        w |= (uint64_t)mask16_special(p + i) << (i & 63);
        pct |= (uint64_t)mask16_eq(p + i, '%') << (i & 63);
        if ((i & 63) == 48) {
            bits[i / 64] = pass_escapes(w, pct, p, i - 48, n);
            w = pct = 0;
        }
    }
    size_t rest = n - i; /* 0 to 15 bytes; i is a multiple of 16 */
    uint64_t t = 0, tp = 0;
    if (rest > 0 && n >= 16) { /* the last 16 bytes, overlapping the ones before */
        t = mask16_special(p + n - 16) >> (16 - rest);
        tp = mask16_eq(p + n - 16, '%') >> (16 - rest);
    } else {
        t = mask_special_n(p + i, rest);
        tp = mask_eq_n(p + i, rest, '%');
    }
    w = pass_escapes(w | t << (i & 63), pct | tp << (i & 63), p, i / 64 * 64, n);
    w |= ~(uint64_t)0 << ((i & 63) + rest); /* at most bit 63: (i & 63) <= 48, rest <= 15 */
    bits[i / 64] = w;
}
