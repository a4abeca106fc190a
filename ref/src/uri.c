#include "uri.h"

#include <string.h>

size_t uri_base_trim(const unsigned char *base, size_t n) {
    while (n > 0 && base[n - 1] == '/') {
        n--;
    }
    return n;
}

void uri_write(qsh_wbuf *w, const unsigned char *path, size_t n, const unsigned char *base,
               size_t bn, int may_have_amp) {
    /* Segment boundary: "/wiki" strips from "/wiki" and "/wiki/x", never from "/wikipedia". */
#ifdef QSHCHECK_MUTANT_BASE_PREFIX /* a planted bug for the fuzz mutation check */
    if (bn > 0 && n >= bn && memcmp(path, base, bn) == 0) {
#else
    if (bn > 0 && n >= bn && memcmp(path, base, bn) == 0 && (n == bn || path[bn] == '/')) {
#endif
        path += bn;
        n -= bn;
    }
    if (n > 1 && path[n - 1] == '/') {
        n--; /* exactly one, as Atlassian's StringUtils.removeEnd(path, "/") */
    }
    if (n == 0 || path[0] != '/') {
        wbuf_byte(w, '/');
    }
    if (!may_have_amp) {
        wbuf_mem(w, path, n);
        return;
    }
    while (n > 0) { /* runs without '&' are copied whole */
        const unsigned char *amp = memchr(path, '&', n);
        size_t run = amp ? (size_t)(amp - path) : n;
        wbuf_mem(w, path, run);
        if (amp == NULL) {
            break;
        }
        wbuf_mem(w, "%26", 3); /* the 2014 fix: a raw '&' would let path and query collide */
        path += run + 1;
        n -= run + 1;
    }
}
