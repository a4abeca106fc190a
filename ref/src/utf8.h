/* UTF-8 validation and Java's String.compareTo order (UTF-16 code units) on UTF-8 strings. */
#ifndef QSH_UTF8_H
#define QSH_UTF8_H

#include <stddef.h>

/* 1 when s[0..n) is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF), else 0. */
int utf8_valid(const unsigned char *s, size_t n);

/* Compares two well-formed UTF-8 strings as Java compares the same text as UTF-16: negative,
 * zero or positive. This differs from byte order only where a character at or above U+10000
 * (a surrogate pair, D800..DFFF) meets one in U+E000..U+FFFF. */
int utf16_order_cmp(const unsigned char *a, size_t an, const unsigned char *b, size_t bn);

#endif
