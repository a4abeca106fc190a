/* qsh_status: the one status type of the reference library.
 *
 * Every value is explicitly numbered so that numbers stay stable across releases; every value
 * has a name (the identifier as a string, used in vectors and reports) and a one-line message,
 * both from the single table in ref/src/status.c. */
#ifndef QSH_STATUS_H
#define QSH_STATUS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define QSH_MUST_USE __attribute__((warn_unused_result))
#else
#define QSH_MUST_USE
#endif

typedef enum qsh_status {
    QSH_OK = 0,
    /* Misuse of the API by the caller. */
    QSH_E_NULL_ARG = 1,         /* a required pointer is NULL (or NULL with a length > 0) */
    QSH_E_BUFFER_TOO_SMALL = 2, /* the caller's output buffer cannot hold the result */
    QSH_E_NO_MEMORY = 3,        /* growing the context's scratch space failed */
    QSH_E_PROFILE_INVALID = 4,  /* profile is neither QSH_PROFILE_SERVER nor _PRODUCT */
    QSH_E_CRYPTO = 5,           /* libcrypto failed to compute SHA-256 */
    /* The method. */
    QSH_E_METHOD_EMPTY = 10,
    QSH_E_METHOD_INVALID = 11,  /* a byte that is not an RFC 9110 tchar */
    QSH_E_METHOD_TOO_LONG = 12, /* longer than QSH_MAX_METHOD_LEN */
    /* The request target. */
    QSH_E_TARGET_EMPTY = 20,
    QSH_E_TARGET_TOO_LONG = 21,   /* longer than QSH_MAX_TARGET_LEN */
    QSH_E_TARGET_BYTE = 22,       /* space, control or non-ASCII byte: cannot be on the wire */
    QSH_E_PERCENT_MALFORMED = 23, /* '%' not followed by two hex digits */
    QSH_E_UTF8_INVALID = 24,      /* decoded bytes are not well-formed UTF-8 */
    QSH_E_URL_INVALID = 25,       /* absolute URL without host, with userinfo or a bad port */
    QSH_E_URL_SCHEME = 26,        /* absolute URL whose scheme is not http or https */
    QSH_E_ORIGIN_MISMATCH = 27,   /* absolute URL target on another origin than the base URL */
    /* The base URL. */
    QSH_E_BASE_URL_INVALID = 30,  /* not an absolute http(s) URL, or has a query or fragment */
    QSH_E_BASE_URL_TOO_LONG = 31, /* longer than QSH_MAX_BASE_URL_LEN */
    /* The body. */
    QSH_E_BODY_TOO_LONG = 40, /* a form body longer than QSH_MAX_BODY_LEN */
    QSH_E_BODY_BYTE = 41      /* a form body with a space, control or non-ASCII byte */
} qsh_status;

/* The identifier as a string ("QSH_E_PERCENT_MALFORMED"); never NULL. A value outside the
 * enum gives "QSH_E_UNKNOWN". */
const char *qsh_status_name(qsh_status status);

/* A one-line English message; never NULL. */
const char *qsh_status_message(qsh_status status);

/* Parses a name back into a status. Returns 1 and sets *out when name[0..len) is a known name,
 * 0 otherwise. */
int qsh_status_from_name(const char *name, size_t len, qsh_status *out);

/* Every defined status, in numeric order, for tests and tools that enumerate them. */
extern const qsh_status qsh_status_all[];
extern const size_t qsh_status_count;

#ifdef __cplusplus
}
#endif
#endif
