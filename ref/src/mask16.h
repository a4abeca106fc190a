/* Byte classes sixteen bytes at a time: each function returns a mask with bit i set when byte
 * p[i] of the 16 at p has the property. With SSE2 (part of every x86-64 processor) a handful of
 * vector instructions; elsewhere loops over the byte tables that give the same masks. The loops
 * are always compiled, as the mask_*_n functions of the first n <= 16 bytes, which also take
 * the inputs shorter than 16 bytes; the tests check both against the tables.
 *
 * Why: the hot passes over a target (its byte check, the search for the path's end) and the
 * transcoder's runs took a table lookup or a word-at-a-time test and its re-check per byte;
 * a mask gives the exact position of the first match in one step. */
#ifndef QSH_MASK16_H
#define QSH_MASK16_H

#include <stddef.h>

unsigned mask_eq_n(const unsigned char *p, size_t n, unsigned char c);
unsigned mask_special_n(const unsigned char *p, size_t n); /* not A-Z a-z 0-9 - . _ ~ */
unsigned mask_nonwire_n(const unsigned char *p, size_t n); /* outside 0x21..0x7E */

#if defined(__SSE2__)
#include <emmintrin.h>

static inline __m128i mask16_load(const unsigned char *p) {
    return _mm_loadu_si128((const __m128i *)(const void *)p);
}

static inline unsigned mask16_eq(const unsigned char *p, unsigned char c) {
    return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(mask16_load(p), _mm_set1_epi8((char)c)));
}

/* The byte comparisons are signed, which suits both tests below: bytes from 0x80 up are
 * negative, below every range tested. */
static inline unsigned mask16_special(const unsigned char *p) {
    __m128i v = mask16_load(p);
    __m128i y = _mm_or_si128(v, _mm_set1_epi8(0x20)); /* folds A-Z onto a-z, nothing else */
    __m128i ok = _mm_and_si128(_mm_cmpgt_epi8(y, _mm_set1_epi8('a' - 1)),
                               _mm_cmplt_epi8(y, _mm_set1_epi8('z' + 1)));
    ok = _mm_or_si128(ok, _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('-' - 1)),
                                        _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1))));
    ok = _mm_andnot_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('/')), ok); /* '-' '.' and digits */
    ok = _mm_or_si128(ok, _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
    ok = _mm_or_si128(ok, _mm_cmpeq_epi8(v, _mm_set1_epi8('~')));
    return (unsigned)_mm_movemask_epi8(ok) ^ 0xFFFFu;
}

static inline unsigned mask16_nonwire(const unsigned char *p) {
    __m128i v = mask16_load(p);
    __m128i bad = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x21)), /* and 0x80 up */
                               _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)));
    return (unsigned)_mm_movemask_epi8(bad);
}
#else
static inline unsigned mask16_eq(const unsigned char *p, unsigned char c) {
    return mask_eq_n(p, 16, c);
}

static inline unsigned mask16_special(const unsigned char *p) {
    return mask_special_n(p, 16);
}

static inline unsigned mask16_nonwire(const unsigned char *p) {
    return mask_nonwire_n(p, 16);
}
#endif

#endif
