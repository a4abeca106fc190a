#include "cli/token_decode.h"

#include <stdio.h>
#include <stdlib.h>

#include "qsh/qsh.h"

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
