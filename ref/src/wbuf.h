/* A bounded writer into a caller-owned buffer: it never writes past cap and remembers that it
 * ran out, so that callers check once at the end instead of after every byte. */
#ifndef QSH_WBUF_H
#define QSH_WBUF_H

#include <stddef.h>
#include <string.h>

typedef struct qsh_wbuf {
    unsigned char *p;
    size_t cap;
    size_t len;
    int full;
} qsh_wbuf;

static inline void wbuf_byte(qsh_wbuf *w, unsigned char b) {
    if (w->len < w->cap) {
        w->p[w->len++] = b;
    } else {
        w->full = 1;
    }
}

static inline void wbuf_mem(qsh_wbuf *w, const void *src, size_t n) {
    if (n == 0) {
        return;
    }
    if (w->cap - w->len < n) {
        w->full = 1;
        return;
    }
    memcpy(w->p + w->len, src, n);
    w->len += n;
}

#endif
