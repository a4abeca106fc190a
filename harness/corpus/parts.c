/* The parts of a canonical request: method, URI and query, and where two requests part. */
#include "corpus/parts.h"

#include <string.h>

void qc_split_request(const char *req, size_t n, size_t *method_len, size_t *uri_off,
                      size_t *uri_len, size_t *query_off) {
    /* A method may hold '&' (it is a token character) but never '/', and a canonical URI
     * starts with '/': the method ends at the first "&/". */
    const char *a1 = NULL;
    for (size_t i = 0; i + 1 < n; i++) {
#ifdef QSHCHECK_MUTANT_PROTOCOL_SPLIT /* a planted bug for the fuzz mutation check */
        if (req[i] == '&') {
#else
        if (req[i] == '&' && req[i + 1] == '/') {
#endif
            a1 = req + i;
            break;
        }
    }
    if (a1 == NULL) {
        a1 = memchr(req, '&', n);
    }
    *method_len = a1 ? (size_t)(a1 - req) : n;
    *uri_off = a1 ? *method_len + 1 : n;
    const char *a2 = a1 ? memchr(a1 + 1, '&', n - *uri_off) : NULL;
    *uri_len = a2 ? (size_t)(a2 - (a1 + 1)) : n - *uri_off;
    *query_off = a2 ? *uri_off + *uri_len + 1 : n;
}

int qc_first_difference(const char *a, size_t an, const char *b, size_t bn, const char **part,
                        size_t *offset) {
    size_t i = 0;
    while (i < an && i < bn && a[i] == b[i]) {
        i++;
    }
    if (i == an && i == bn) {
        return -1;
    }
    size_t method_len, uri_off, uri_len, query_off;
    qc_split_request(a, an, &method_len, &uri_off, &uri_len, &query_off);
    *part = i <= method_len ? "method" : i <= uri_off + uri_len ? "uri" : "query";
    *offset = i;
    return 0;
}
