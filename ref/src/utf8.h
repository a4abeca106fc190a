/* UTF-8 validation, for decoded paths and token parts. (Query values are checked, and put in
 * UTF-16 order, from their escapes: query.c and sort.c.) */
#ifndef QSH_UTF8_H
#define QSH_UTF8_H

#include <stddef.h>

/* 1 when s[0..n) is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF), else 0. */
int utf8_valid(const unsigned char *s, size_t n);

#endif
