/* A growing text buffer for the mock product's answers and records: the calls' JSON lines,
 * calls.json and the dashboard page. An append that cannot get memory marks the buffer failed;
 * textbuf_finish then gives NULL. */
#ifndef QC_HTTP_TEXTBUF_H
#define QC_HTTP_TEXTBUF_H

#include <stddef.h>

typedef struct textbuf {
    char *s; /* NUL-terminated while not failed */
    size_t n, cap;
    int failed;
} textbuf;

void textbuf_put(textbuf *b, const char *s, size_t n);
void textbuf_puts(textbuf *b, const char *s);
void textbuf_putu(textbuf *b, unsigned long long v);
void textbuf_puti(textbuf *b, long long v);

/* s[0..n), which must be UTF-8 without NUL, as a JSON string with its quotes (RFC 8259: '"',
 * '\' and the controls escaped, everything else as it is, as jansson writes it). */
void textbuf_json_string(textbuf *b, const char *s, size_t n);

/* The text (the caller frees it) and its length; NULL, with the buffer freed, when an append
 * failed or nothing was appended. */
char *textbuf_finish(textbuf *b, size_t *len);

#endif
