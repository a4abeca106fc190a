/* A bounded writer into a caller-owned buffer: it never writes past cap and remembers that it
 * ran out, so that callers check once at the end instead of after every byte. */
#ifndef QSH_WBUF_H
#define QSH_WBUF_H

#include <stddef.h>
#include <stdint.h>
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

/* memcpy for the short names, values and paths of a request: fixed-size moves (two that may
 * overlap) instead of a call. */
static inline void wbuf_copy(unsigned char *dst, const unsigned char *src, size_t n) {
    if (n >= 16) {
        memcpy(dst, src, n);
    } else if (n >= 8) {
        uint64_t a, b;
        memcpy(&a, src, 8);
        memcpy(&b, src + n - 8, 8);
        memcpy(dst, &a, 8);
        memcpy(dst + n - 8, &b, 8);
    } else if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, src, 4);
        memcpy(&b, src + n - 4, 4);
        memcpy(dst, &a, 4);
        memcpy(dst + n - 4, &b, 4);
    } else {
        for (size_t i = 0; i < n; i++) {
            dst[i] = src[i];
        }
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
    wbuf_copy(w->p + w->len, (const unsigned char *)src, n);
    w->len += n;
}

#endif
