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

/* The library is built with hidden visibility; only what these headers declare is exported. */
#pragma GCC visibility push(default)

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
    QSH_E_BODY_BYTE = 41,     /* a form body with a space, control or non-ASCII byte */
    /* Token verification (qsh/token.h), in the order of the checks. The reason code of each
     * is its name without "QSH_E_": B64_INVALID, SIG_INVALID, ... */
    QSH_E_KIND_INVALID = 99,      /* kind not a qsh_token_kind, now < 0, leeway not 0..86400, or an
                                     install without audience or clientKey */
    QSH_E_CARRIAGE_MISSING = 100, /* no Authorization: JWT header and no jwt parameter */
    QSH_E_CARRIAGE_AMBIGUOUS = 101, /* both, or the jwt parameter more than once */
    QSH_E_CARRIAGE_SCHEME = 102,    /* an Authorization header that is not "JWT <token>" */
    QSH_E_TOKEN_TOO_LARGE = 103,    /* longer than QSH_MAX_TOKEN_LEN */
    QSH_E_SEGMENTS = 104,           /* not exactly three '.'-separated segments */
    QSH_E_B64_INVALID = 105,        /* not strict unpadded base64url with zero unused bits */
    QSH_E_JSON_INVALID = 106,       /* header or claims not UTF-8 JSON (or a NUL, a number
                                       jansson cannot hold such as 1e400 or 2^63) */
    QSH_E_JSON_DUP_MEMBER = 107,    /* a member name twice in one object */
    QSH_E_JSON_TOO_DEEP = 108,      /* nested deeper than QSH_MAX_JSON_DEPTH */
    QSH_E_JSON_NOT_OBJECT = 109,    /* header or claims not a JSON object */
    QSH_E_ALG_NOT_ALLOWED = 110,    /* alg missing, or not exactly the kind's algorithm */
    QSH_E_CRIT_UNSUPPORTED = 111,   /* a crit header: no extension is understood */
    QSH_E_KID_INVALID = 112,        /* kid missing for RS256, or not 1..128 of [A-Za-z0-9._-] */
    QSH_E_ISS_MISSING = 113,        /* no iss string to choose the key by */
    QSH_E_ISS_UNKNOWN = 114,        /* no shared secret for that iss */
    QSH_E_KEY_UNKNOWN = 115,        /* no public key for that kid */
    QSH_E_KEY_INVALID = 116,        /* the key given is not usable (bad PEM, not RSA) */
    QSH_E_SIG_INVALID = 117,        /* the signature does not verify */
    QSH_E_EXP_MISSING = 118,
    QSH_E_EXP_TYPE = 119,    /* exp not a non-negative integer */
    QSH_E_EXP_EXPIRED = 120, /* now >= exp + leeway */
    QSH_E_IAT_MISSING = 121,
    QSH_E_IAT_TYPE = 122,       /* iat not a non-negative integer */
    QSH_E_IAT_IN_FUTURE = 123,  /* iat > now + leeway */
    QSH_E_NBF_TYPE = 124,       /* nbf present but not a non-negative integer */
    QSH_E_NBF_NOT_YET = 125,    /* nbf > now + leeway */
    QSH_E_EXP_BEFORE_IAT = 126, /* exp <= iat */
    QSH_E_AUD_MISSING = 127,    /* an audience is required and absent */
    QSH_E_AUD_MISMATCH = 128,   /* aud (string or array) does not hold the expected one */
    QSH_E_ISS_MISMATCH = 129,   /* install: iss is not the body's clientKey */
    QSH_E_QSH_MISSING = 130,
    QSH_E_QSH_TYPE = 131,                /* qsh not 64 lowercase hex digits */
    QSH_E_QSH_MISMATCH = 132,            /* qsh is not the hash of the request */
    QSH_E_QSH_CONTEXT_NOT_ALLOWED = 133, /* context-qsh on an endpoint that takes no context
                                            tokens (CVE-2021-26073, CVE-2021-26074) */
    QSH_E_REQUEST_INVALID = 134          /* the request cannot be canonicalized to check qsh */
} qsh_status;

/* The identifier as a string ("QSH_E_PERCENT_MALFORMED"); never NULL. A value outside the
 * enum gives "QSH_E_UNKNOWN". */
const char *qsh_status_name(qsh_status status);

/* A one-line English message; never NULL. */
const char *qsh_status_message(qsh_status status);

/* The reason code of a status: its name without "QSH_E_" ("SIG_INVALID"); "OK" for QSH_OK. */
const char *qsh_reason_code(qsh_status status);

/* Parses a name back into a status. Returns 1 and sets *out when name[0..len) is a known name,
 * 0 otherwise. */
int qsh_status_from_name(const char *name, size_t len, qsh_status *out);

/* Every defined status, in numeric order, for tests and tools that enumerate them. */
extern const qsh_status qsh_status_all[];
extern const size_t qsh_status_count;

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
