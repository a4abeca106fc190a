/* The canonical URI, from a path already in its profile's form (raw or decoded). */
#ifndef QSH_URI_H
#define QSH_URI_H

#include <stddef.h>

#include "wbuf.h"

/* Removes trailing '/' from a base path: "/wiki/" and "/wiki" name the same base. */
size_t uri_base_trim(const unsigned char *base, size_t n);

/* Writes the canonical URI of path[0..n): base[0..bn) stripped on a segment boundary, one
 * trailing '/' removed, "/" for an empty path, a leading '/' added, '&' written as "%26".
 * may_have_amp 0 promises that the path holds no '&'. */
void uri_write(qsh_wbuf *w, const unsigned char *path, size_t n, const unsigned char *base,
               size_t bn, int may_have_amp);

#endif
