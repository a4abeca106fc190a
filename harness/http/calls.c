/* The record of the mock product's calls (calls.h). */
#include "http/calls.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/textbuf.h"
#include "judge/report.h"

int qc_calls_init(qc_calls *cs, const char *log_path) {
    memset(cs, 0, sizeof *cs);
    cs->log_fd = -1;
    cs->next_id = 1;
    if (log_path != NULL) {
        cs->log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (cs->log_fd < 0) {
            return -1;
        }
    }
    if (pthread_mutex_init(&cs->lock, NULL) != 0) {
        if (cs->log_fd >= 0) {
            close(cs->log_fd);
        }
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

void qc_calls_free(qc_calls *cs) {
    for (size_t i = 0; i < QC_CALLS_KEPT; i++) {
        free(cs->ring[i]);
    }
    if (cs->log_fd >= 0) {
        close(cs->log_fd);
    }
    pthread_mutex_destroy(&cs->lock);
}

unsigned long long qc_calls_next_id(qc_calls *cs) {
    pthread_mutex_lock(&cs->lock);
    unsigned long long id = cs->next_id++;
    pthread_mutex_unlock(&cs->lock);
    return id;
}

/* Writes all of buf[0..n), retrying short writes. 0, or -1. */
static int write_all(int fd, const char *buf, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return -1;
        }
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

int qc_calls_add(qc_calls *cs, char *line) {
    size_t n = strlen(line);
    int rc = 0;
    pthread_mutex_lock(&cs->lock);
    if (cs->log_fd >= 0) {
        /* the newline goes in the same write, so that a line is never split by another's */
        line[n] = '\n';
        rc = write_all(cs->log_fd, line, n + 1);
        line[n] = '\0';
        if (rc != 0 && !cs->log_failed) {
            cs->log_failed = 1;
            fprintf(stderr, "qshcheck: cannot write the log: %s\n", strerror(errno));
        }
    }
    size_t slot = (size_t)(cs->total % QC_CALLS_KEPT);
    free(cs->ring[slot]);
    cs->ring[slot] = line;
    cs->total++;
    pthread_mutex_unlock(&cs->lock);
    return rc;
}

/* Copies the kept lines, newest first, under the lock; the caller frees each and the array. */
static char **snapshot(qc_calls *cs, size_t *count, unsigned long long *total) {
    pthread_mutex_lock(&cs->lock);
    size_t kept = cs->total < QC_CALLS_KEPT ? (size_t)cs->total : QC_CALLS_KEPT;
    char **lines = calloc(kept + 1, sizeof *lines);
    size_t k = 0;
    for (size_t i = 0; lines != NULL && i < kept; i++) {
        const char *l = cs->ring[(size_t)((cs->total - 1 - i) % QC_CALLS_KEPT)];
        lines[k] = strdup(l);
        k += lines[k] != NULL;
    }
    *total = cs->total;
    pthread_mutex_unlock(&cs->lock);
    *count = k;
    if (lines != NULL && k != kept) {
        for (size_t i = 0; i < k; i++) {
            free(lines[i]);
        }
        free(lines);
        lines = NULL;
    }
    return lines;
}

static void free_lines(char **lines, size_t n) {
    for (size_t i = 0; lines != NULL && i < n; i++) {
        free(lines[i]);
    }
    free(lines);
}

char *qc_calls_json(qc_calls *cs, size_t *len) {
    size_t n;
    unsigned long long total;
    char **lines = snapshot(cs, &n, &total);
    if (lines == NULL) {
        return NULL;
    }
    textbuf b = {0};
    char head[96];
    snprintf(head, sizeof head, "{\"total\":%llu,\"kept\":%zu,\"calls\":[", total, n);
    textbuf_puts(&b, head);
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            textbuf_puts(&b, ",\n");
        }
        textbuf_puts(&b, lines[i]);
    }
    textbuf_puts(&b, "]}\n");
    free_lines(lines, n);
    return textbuf_finish(&b, len);
}

/* Text into HTML: &, <, >, " and ' as entities. */
static void put_html(textbuf *b, const char *s, size_t n) {
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *e = s[i] == '&'    ? "&amp;"
                        : s[i] == '<'  ? "&lt;"
                        : s[i] == '>'  ? "&gt;"
                        : s[i] == '"'  ? "&quot;"
                        : s[i] == '\'' ? "&#39;"
                                       : NULL;
        if (e != NULL) {
            textbuf_put(b, s + start, i - start);
            textbuf_puts(b, e);
            start = i + 1;
        }
    }
    textbuf_put(b, s + start, n - start);
}

static void put_field(textbuf *b, json_t *o, const char *key) {
    json_t *v = json_object_get(o, key);
    if (json_is_string(v)) {
        put_html(b, json_string_value(v), json_string_length(v));
    }
}

/* The app's canonical request with the first differing byte marked. */
static void put_theirs(textbuf *b, json_t *o) {
    json_t *t = json_object_get(o, "appCanonicalRequest");
    json_t *at = json_object_get(o, "firstDifference");
    if (!json_is_string(t)) {
        textbuf_puts(b, "<span class=\"none\">not found among the known mistakes</span>");
        return;
    }
    const char *s = json_string_value(t);
    size_t n = json_string_length(t);
    if (json_is_true(json_object_get(o, "appCanonicalRequestEscaped"))) {
        /* written with \xHH for its bytes that are not UTF-8: firstDifference counts the raw
         * bytes, so it points elsewhere in this text */
        put_html(b, s, n);
        textbuf_puts(b, " <span class=\"none\">(not UTF-8, escaped: the first difference is "
                        "not marked)</span>");
        return;
    }
    size_t off = json_is_integer(at) ? (size_t)json_integer_value(at) : n;
    off = off > n ? n : off;
    size_t mark = off < n ? qc_utf8_char(s + off, n - off) : 0;
    put_html(b, s, off);
    textbuf_puts(b, "<mark class=\"diff\">");
    put_html(b, s + off, mark);
    if (off == n) {
        textbuf_puts(b, "&#8203;"); /* the difference is past the end: mark where it would be */
    }
    textbuf_puts(b, "</mark>");
    put_html(b, s + off + mark, n - off - mark);
}

static const char page_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<title>qshcheck mock product</title>\n<style>\n"
    "body{font-family:sans-serif;margin:1.5em;color:#172b4d}\n"
    "table{border-collapse:collapse;width:100%}\n"
    "th,td{border:1px solid #c1c7d0;padding:.4em;vertical-align:top;text-align:left}\n"
    "code{font-family:monospace;word-break:break-all}\n"
    ".accepted{background:#e3fcef}.rejected{background:#ffebe6}\n"
    "mark.diff{background:#ff8f73;font-weight:bold}\n"
    ".none{color:#6b778c}\n"
    "td.request{min-width:14em}.message{font-size:.85em;word-break:break-all}\n"
    "</style></head><body>\n"
    "<h1>qshcheck mock product</h1>\n";

static void put_row(textbuf *b, json_t *o) {
    json_t *req = json_object_get(o, "request");
    json_t *st = json_object_get(o, "status");
    int accepted = json_is_integer(st) && json_integer_value(st) == 200;
    char num[64];
    textbuf_puts(b, accepted ? "<tr class=\"call accepted\">" : "<tr class=\"call rejected\">");
    snprintf(num, sizeof num, "<td class=\"id\">%lld</td>",
             (long long)json_integer_value(json_object_get(o, "id")));
    textbuf_puts(b, num);
    textbuf_puts(b, "<td class=\"request\"><code>");
    put_field(b, req, "method");
    textbuf_puts(b, " ");
    put_field(b, req, "target");
    snprintf(num, sizeof num, "</code></td><td class=\"verdict\">%s %lld</td>",
             accepted ? "accepted" : "rejected", (long long)json_integer_value(st));
    textbuf_puts(b, num);
    textbuf_puts(b, "<td class=\"reason\">");
    put_field(b, o, "reason");
    if (json_object_get(o, "message") != NULL) {
        textbuf_puts(b, "<br><span class=\"message\">");
        put_field(b, o, "message");
        textbuf_puts(b, "</span>");
    }
    textbuf_puts(b, "</td><td class=\"diagnosis\">");
    if (!accepted) {
        put_field(b, o, "diagnosis");
        if (json_object_get(o, "claimedQsh") != NULL) {
            textbuf_puts(b, "<dl><dt>correct canonical request</dt><dd><code class=\"correct\">");
            put_field(b, o, "canonicalRequest");
            textbuf_puts(b, "</code></dd><dt>the app's");
            if (json_object_get(o, "mistakes") != NULL) {
                textbuf_puts(b, " (");
                put_field(b, o, "mistakes");
                textbuf_puts(b, ")");
            }
            textbuf_puts(b, "</dt><dd><code class=\"theirs\">");
            put_theirs(b, o);
            textbuf_puts(b, "</code></dd>");
            if (json_object_get(o, "differsIn") != NULL) {
                snprintf(num, sizeof num, "<dt>first difference</dt><dd class=\"where\">");
                textbuf_puts(b, num);
                textbuf_puts(b, "in the ");
                put_field(b, o, "differsIn");
                snprintf(num, sizeof num, " at byte %lld</dd>",
                         (long long)json_integer_value(json_object_get(o, "firstDifference")));
                textbuf_puts(b, num);
            }
            textbuf_puts(b, "</dl>");
        }
    }
    textbuf_puts(b, "</td></tr>\n");
}

char *qc_calls_dashboard(qc_calls *cs, const char *base_url, size_t *len) {
    size_t n;
    unsigned long long total;
    char **lines = snapshot(cs, &n, &total);
    if (lines == NULL) {
        return NULL;
    }
    textbuf b = {0};
    char line[160];
    textbuf_puts(&b, page_head);
    textbuf_puts(&b, "<p class=\"summary\">Tenant ");
    put_html(&b, base_url, strlen(base_url));
    snprintf(line, sizeof line, ": %llu call%s, the newest %zu shown, newest first.</p>\n", total,
             total == 1 ? "" : "s", n);
    textbuf_puts(&b, line);
    if (n == 0) {
        textbuf_puts(&b, "<p class=\"empty\">No calls yet.</p>\n");
    } else {
        textbuf_puts(&b,
                     "<table><thead><tr><th>#</th><th>request</th><th>verdict</th><th>reason</th>"
                     "<th>diagnosis</th></tr></thead><tbody>\n");
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_loads(lines[i], 0, NULL);
            if (o != NULL) {
                put_row(&b, o);
            }
            json_decref(o);
        }
        textbuf_puts(&b, "</tbody></table>\n");
    }
    textbuf_puts(&b, "</body></html>\n");
    free_lines(lines, n);
    return textbuf_finish(&b, len);
}
