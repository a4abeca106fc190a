/* One call of the mock product as a JSON line (calls.h). Written straight into a buffer rather
 * than built as a jansson tree and dumped: the line is made for every call before it is
 * answered, and the tree of five objects cost about 40 % of the server's throughput (106,700
 * against 61,300 verified requests/s in qshcheck-mock-bench). The dashboard reads the lines
 * back with jansson. */
#include <stdio.h>
#include <string.h>

#include "http/calls.h"
#include "http/textbuf.h"

/* "key": with a comma before unless first. */
static void put_key(textbuf *b, int first, const char *key) {
    textbuf_puts(b, first ? "\"" : ",\"");
    textbuf_puts(b, key);
    textbuf_puts(b, "\":");
}

/* "key":"value" with a comma before unless first. Bytes that are UTF-8 without NUL go as they
 * are; others with every byte outside printable ASCII written "\xHH", and "<key>Escaped":true
 * after, so that the record says so. */
static void put_bytes(textbuf *b, int first, const char *key, const char *s, size_t n) {
    put_key(b, first, key);
#ifdef QSHCHECK_MUTANT_HTTP_RECORD_UTF8 /* fuzz/: bytes taken as text unchecked */
    if (memchr(s, '\0', n) == NULL) {
#else
    if (memchr(s, '\0', n) == NULL && qsh_utf8_valid(s, n)) {
#endif
        textbuf_json_string(b, s, n);
        return;
    }
    textbuf_put(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        char e[8];
        if (ch == '"' || ch == '\\') {
            textbuf_put(b, (const char[]){'\\', (char)ch}, 2);
        } else if (ch >= 0x20 && ch <= 0x7e) {
            textbuf_put(b, (const char *)&ch, 1);
        } else {
            textbuf_put(b, e, (size_t)snprintf(e, sizeof e, "\\\\x%02X", ch));
        }
    }
    textbuf_puts(b, "\",\"");
    textbuf_puts(b, key);
    textbuf_puts(b, "Escaped\":true");
}

static void put_text(textbuf *b, const char *key, const char *s) {
    put_bytes(b, 0, key, s, strlen(s));
}

static void put_int(textbuf *b, int first, const char *key, long long v) {
    put_key(b, first, key);
    textbuf_puti(b, v);
}

static void put_request(textbuf *b, const qc_http_call *c) {
    textbuf_puts(b, ",\"request\":{");
    put_bytes(b, 1, "method", c->method, c->method_len);
    put_bytes(b, 0, "target", c->target, c->target_len);
    textbuf_puts(b, ",\"headers\":[");
    for (size_t i = 0; i < c->nheaders; i++) {
        textbuf_puts(b, i ? ",{" : "{");
        put_bytes(b, 1, "name", c->headers[i].name, c->headers[i].name_len);
        put_bytes(b, 0, "value", c->headers[i].value, c->headers[i].value_len);
        textbuf_puts(b, "}");
    }
    textbuf_puts(b, "]");
    put_int(b, 0, "bodyLength", (long long)c->body_len);
    if (c->body_len <= QC_CALL_BODY_SHOWN) {
        put_bytes(b, 0, "body", c->body ? c->body : "", c->body_len);
    }
    textbuf_puts(b, "}");
}

char *qc_call_json_line(unsigned long long id, int64_t now, const qc_http_call *c,
                        const qc_http_verdict *v) {
    textbuf b = {0};
    textbuf_puts(&b, "{\"id\":");
    textbuf_putu(&b, id);
    put_int(&b, 0, "time", (long long)now);
    put_request(&b, c);
    put_int(&b, 0, "status", v->http_status);
    put_text(&b, "verdict", v->http_status == 200 ? "accepted" : "rejected");
    put_text(&b, "reason", v->code);
    if (v->message != NULL) {
        put_text(&b, "message", v->message);
    }
    if (v->diagnosis != NULL) {
        put_text(&b, "diagnosis", v->diagnosis);
    }
    if (v->expected[0] != '\0') {
        put_text(&b, "expectedQsh", v->expected);
    }
    if (v->claimed[0] != '\0') {
        put_text(&b, "claimedQsh", v->claimed);
    }
    if (v->correct != NULL) {
        put_bytes(&b, 0, "canonicalRequest", v->correct, v->correct_len);
    }
    if (v->theirs != NULL) {
        put_bytes(&b, 0, "appCanonicalRequest", v->theirs, v->theirs_len);
        put_text(&b, "mistakes", v->mistakes);
    }
    if (v->differs_in != NULL) {
        put_text(&b, "differsIn", v->differs_in);
        put_int(&b, 0, "firstDifference", (long long)v->first_difference);
    }
    textbuf_puts(&b, "}");
    size_t len;
    return textbuf_finish(&b, &len);
}
