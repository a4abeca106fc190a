/* The mock product's verdict on one call, below the HTTP library: the parsed method, the raw
 * request target, the headers and the body in, the answer a product gives out (200, or 401
 * with the product's message and the mistake catalogue's diagnosis). No HTTP parsing, no
 * clock, no I/O: the server (server.c) and the fuzz target both call it. */
#ifndef QC_HTTP_VERIFY_H
#define QC_HTTP_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "qsh/qsh.h"

typedef struct qc_http_header {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
} qc_http_header;

/* A call as the HTTP library parsed it; the target is the request target as sent. */
typedef struct qc_http_call {
    const char *method;
    size_t method_len;
    const char *target;
    size_t target_len;
    const qc_http_header *headers;
    size_t nheaders;
    const char *body;
    size_t body_len;
} qc_http_call;

/* The tenant the mock product plays. */
typedef struct qc_product {
    const char *base_url; /* the tenant's base URL; its path is the context path */
    const char *app_key;  /* the only iss accepted */
    const char *secret;   /* the shared secret (HS256) */
    int64_t leeway;       /* seconds, 0..86400 */
} qc_product;

/* Why a call was answered as it was, beyond qsh_status: the token in the query (products
 * refuse it since 2022), and a path outside the context path. */
typedef enum qc_http_reason {
    QC_HTTP_VERIFIED = 0,     /* see status */
    QC_HTTP_TOKEN_IN_QUERY,   /* a jwt query parameter: 401 */
    QC_HTTP_OUTSIDE_CONTEXT,  /* the path is not under the base URL's path: 404 */
    QC_HTTP_REASON_NO_MEMORY, /* the verdict could not be written: 500 */
} qc_http_reason;

typedef struct qc_http_verdict {
    int http_status; /* 200, 401, 404 or 500 */
    qc_http_reason reason;
    qsh_status status; /* the verifier's, when reason is QC_HTTP_VERIFIED */
    const char *code;  /* "OK", a reason code of libqsh, "TOKEN_IN_QUERY", ...: never NULL */
    char *message;     /* the body text of a rejection, as products word it; NULL on 200 */
    char *diagnosis;   /* one line of printable ASCII, for a response header; NULL on 200 */
    char expected[QSH_HEX_SIZE]; /* the qsh of the request ("" when it cannot be computed) */
    char claimed[QSH_HEX_SIZE];  /* the token's qsh claim on a QSH_MISMATCH, else "" */
    char *correct;               /* the correct canonical request (server profile), or NULL */
    size_t correct_len;
    char *theirs; /* the canonical request the app hashed, when the catalogue finds it */
    size_t theirs_len;
    char mistakes[160];     /* the label of the mistakes that give theirs ("" for none) */
    const char *differs_in; /* "method", "uri", "query", or NULL */
    long first_difference;  /* the byte of theirs where it parts from correct, or -1 */
} qc_http_verdict;

/* Decides the call at time `now`. ctx is scratch space for this thread. Fills *v, which
 * qc_http_verdict_free releases (also after an out-of-memory verdict). */
void qc_http_verify(qsh_ctx *ctx, const qc_product *p, const qc_http_call *c, int64_t now,
                    qc_http_verdict *v);
void qc_http_verdict_free(qc_http_verdict *v);

/* The value of the first header called name (case-insensitive), and how many there are. */
const qc_http_header *qc_http_find_header(const qc_http_call *c, const char *name, size_t *count);

/* Whether a decoded query parameter name of the target is exactly "jwt". */
int qc_http_target_has_jwt(const char *target, size_t n);

#endif
