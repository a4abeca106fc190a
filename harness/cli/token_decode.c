#include "cli/token_decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge/report.h"
#include "qsh/qsh.h"

static int is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int qc_token_split(const char *t, qc_token_parts *out) {
    size_t n = strlen(t);
    while (n > 0 && is_blank(t[n - 1])) {
        n--;
    }
    while (n > 0 && is_blank(*t)) {
        t++;
        n--;
    }
    /* the scheme in any case: ASCII letters folded by hand, whatever the locale */
    if (n > 4 && (t[0] | 0x20) == 'j' && (t[1] | 0x20) == 'w' && (t[2] | 0x20) == 't' &&
        is_blank(t[3])) {
        t += 4;
        n -= 4;
        while (n > 0 && is_blank(*t)) {
            t++;
            n--;
        }
    }
    memset(out, 0, sizeof *out);
    out->total = n;
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || t[i] == '.') {
            if (k == 3) {
                return -1; /* a fourth segment */
            }
            out->seg[k] = t + start;
            out->len[k++] = i - start;
            start = i + 1;
        }
    }
    return k == 3 ? 0 : -1;
}

/* Decodes one segment strictly, or, failing that, leniently (padding, the standard alphabet),
 * with a warning. NULL when even that fails. */
json_t *qc_token_segment(const char *seg, size_t n, const char *what, int *warnings) {
    unsigned char *buf = malloc(n + 4);
    size_t len = 0;
    json_t *j = NULL;
    if (buf == NULL) {
        return NULL;
    }
    if (qsh_b64url_decode(seg, n, buf, n + 4, &len) != QSH_OK) {
        char *fixed = malloc(n + 1);
        size_t m = 0;
        for (size_t i = 0; fixed && i < n; i++) {
            if (seg[i] != '=') {
                fixed[m++] = seg[i] == '+' ? '-' : seg[i] == '/' ? '_' : seg[i];
            }
        }
        fprintf(stderr, "warning: the %s is not strict base64url (B64_INVALID)\n", what);
        (*warnings)++;
        if (fixed == NULL || qsh_b64url_decode(fixed, m, buf, n + 4, &len) != QSH_OK) {
            free(fixed);
            free(buf);
            return NULL;
        }
        free(fixed);
    }
    for (size_t i = 0, k; i < len; i += k) {
        k = qc_utf8_char((const char *)buf + i, len - i);
        if (k == 0) {
            fprintf(stderr,
                    "qshcheck: the %s segment is not UTF-8: its byte %zu is 0x%02X, which no "
                    "JSON text holds (JSON_INVALID)\n",
                    what, i, buf[i]);
            free(buf);
            return NULL;
        }
    }
    json_error_t je;
    j = json_loadb((const char *)buf, len, JSON_DECODE_ANY, &je);
    if (j == NULL) {
        fprintf(stderr, "warning: the %s is not JSON: %s\n", what, je.text);
        (*warnings)++;
        j = json_stringn_nocheck((const char *)buf, len);
    } else {
        json_t *strict =
            json_loadb((const char *)buf, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
        if (strict == NULL) {
            fprintf(stderr, "warning: the %s has a duplicate member (JSON_DUP_MEMBER)\n", what);
            (*warnings)++;
        }
        json_decref(strict);
    }
    free(buf);
    return j;
}
