/* Which bytes of form data need more than a copy when transcoded: a bitmap with one bit per
 * byte, set where the byte is not unreserved (A-Z a-z 0-9 - . _ ~), except a '%' that begins
 * an escape the encoding writes again as it is (an ASCII byte that is not unreserved, in
 * uppercase hex: %20, %3D), computed before the transcoder walks the data.
 *
 * Why a bitmap first: the transcoder's work is mostly copying runs of unreserved bytes between
 * escapes and separators. Testing bytes one at a time costs ten instructions a byte; finding
 * each run's end with a vector test at the current position makes every run wait for the one
 * before (load, compare, mask, count: about twenty cycles in a chain), which lost on the short
 * runs of real queries. The masks computed up front, sixteen bytes at a time, depend on nothing
 * but the data, so the walk only shifts a word and counts its zeros to find the next byte that
 * needs work. */
#ifndef QSH_SPECIAL_H
#define QSH_SPECIAL_H

#include <stddef.h>
#include <stdint.h>

/* The words a bitmap of n bytes takes: one more than the full words, for the bits past n. */
static inline size_t special_words(size_t n) {
    return n / 64 + 1;
}

/* Fills bits[0 .. special_words(n)) for the n bytes at p: bit i % 64 of word i / 64 is set when
 * p[i] is not unreserved and does not begin such an escape; the bits past n are set too, so
 * that a run never passes the end. */
void special_bits(const unsigned char *p, size_t n, uint64_t *bits);

#endif
