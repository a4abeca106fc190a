/* A growing text buffer (textbuf.h). */
#include "http/textbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void textbuf_put(textbuf *b, const char *s, size_t n) {
    if (b->failed) {
        return;
    }
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->n + n + 1) {
            cap *= 2;
        }
        char *p = realloc(b->s, cap);
        if (p == NULL) {
            b->failed = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

void textbuf_puts(textbuf *b, const char *s) {
    textbuf_put(b, s, strlen(s));
}

void textbuf_putu(textbuf *b, unsigned long long v) {
    char d[24];
    textbuf_put(b, d, (size_t)snprintf(d, sizeof d, "%llu", v));
}

void textbuf_puti(textbuf *b, long long v) {
    char d[24];
    textbuf_put(b, d, (size_t)snprintf(d, sizeof d, "%lld", v));
}

void textbuf_json_string(textbuf *b, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    textbuf_put(b, "\"", 1);
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') {
            continue;
        }
        textbuf_put(b, s + start, i - start);
        start = i + 1;
        const char *e = c == '"'    ? "\\\""
                        : c == '\\' ? "\\\\"
                        : c == '\n' ? "\\n"
                        : c == '\r' ? "\\r"
                        : c == '\t' ? "\\t"
                        : c == '\b' ? "\\b"
                        : c == '\f' ? "\\f"
                                    : NULL;
        if (e != NULL) {
            textbuf_puts(b, e);
        } else {
            char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], '\0'};
            textbuf_put(b, u, 6);
        }
    }
    textbuf_put(b, s + start, n - start);
    textbuf_put(b, "\"", 1);
}

char *textbuf_finish(textbuf *b, size_t *len) {
    if (b->failed || b->s == NULL) {
        free(b->s);
        b->s = NULL;
        return NULL;
    }
    *len = b->n;
    return b->s;
}
