/* The one bounded cursor through which all parsing goes: a [p, end) view of bytes that is never
 * read past its end and never relies on a NUL. */
#ifndef QSH_CURSOR_H
#define QSH_CURSOR_H

#include <stddef.h>
#include <string.h>

typedef struct qsh_cur {
    const unsigned char *p;
    const unsigned char *end;
} qsh_cur;

static inline qsh_cur cur_make(const void *p, size_t n) {
    const unsigned char *b = (const unsigned char *)p;
    qsh_cur c = {b, b + n};
    return c;
}

/* A cursor over a part of the API's input, which may be absent (NULL with length 0): NULL + 0
 * is undefined behaviour, so an absent part is an empty string. Only where the caller's
 * pointers come in; inside, cursors are made over buffers that exist. */
static inline qsh_cur cur_input(const void *p, size_t n) {
    return p != NULL ? cur_make(p, n) : cur_make("", 0);
}

static inline size_t cur_len(qsh_cur c) {
    return (size_t)(c.end - c.p);
}

static inline int cur_eof(qsh_cur c) {
    return c.p >= c.end;
}

/* The first n bytes of c (n <= cur_len(c)). */
static inline qsh_cur cur_head(qsh_cur c, size_t n) {
    qsh_cur h = {c.p, c.p + n};
    return h;
}

/* c without its first n bytes (n <= cur_len(c)). */
static inline qsh_cur cur_tail(qsh_cur c, size_t n) {
    qsh_cur t = {c.p + n, c.end};
    return t;
}

/* Index of the first `b` in c, or cur_len(c) when there is none. */
static inline size_t cur_find(qsh_cur c, unsigned char b) {
    const unsigned char *q = cur_eof(c) ? NULL : memchr(c.p, b, cur_len(c));
    return q ? (size_t)(q - c.p) : cur_len(c);
}

/* Takes the bytes before the first `sep` and advances *c past that separator. *found says
 * whether a separator was there; without one the whole rest is taken. */
static inline qsh_cur cur_split(qsh_cur *c, unsigned char sep, int *found) {
    size_t i = cur_find(*c, sep);
    qsh_cur head = cur_head(*c, i);
    *found = i < cur_len(*c);
    *c = cur_tail(*c, *found ? i + 1 : i);
    return head;
}

#endif
