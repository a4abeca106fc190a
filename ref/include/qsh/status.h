/* qsh_status: the one status type of the reference library.
 *
 * Every value is explicitly numbered so that numbers stay stable across releases; every value
 * has a name (the identifier as a string, used in vectors and reports) and a one-line message,
 * all three from the one list QSH_STATUS_LIST below. */
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

/* The one list of statuses: X(name, value, message) for each, in numeric order. The enum, the
 * table of names and messages (ref/src/status.c), qsh_status_all and the test that walks them
 * are all generated from it, so a status cannot lack a name or a message. Values are explicit
 * and never reused: they are part of the ABI, and vectors and reports print the names. The
 * comments say what a message leaves out. */
#define QSH_STATUS_LIST(X)                                                                         \
    X(QSH_OK, 0, "success")                                                                        \
    /* Misuse of the API by the caller. */                                                         \
    /* a required pointer is NULL (or NULL with a length > 0) */                                   \
    X(QSH_E_NULL_ARG, 1, "a required pointer argument is NULL")                                    \
    /* the caller's output buffer cannot hold the result */                                        \
    X(QSH_E_BUFFER_TOO_SMALL, 2, "the output buffer is too small for the result")                  \
    /* growing the context's scratch space failed */                                               \
    X(QSH_E_NO_MEMORY, 3, "out of memory while growing scratch space")                             \
    /* profile is neither QSH_PROFILE_SERVER nor _PRODUCT */                                       \
    X(QSH_E_PROFILE_INVALID, 4, "the profile is neither server nor product")                       \
    /* libcrypto failed to compute SHA-256 */                                                      \
    X(QSH_E_CRYPTO, 5, "libcrypto failed to compute SHA-256")                                      \
    /* The method. */                                                                              \
    X(QSH_E_METHOD_EMPTY, 10, "the method is empty")                                               \
    /* a byte that is not an RFC 9110 tchar */                                                     \
    X(QSH_E_METHOD_INVALID, 11, "the method has a byte that is not an HTTP token character")       \
    /* longer than QSH_MAX_METHOD_LEN */                                                           \
    X(QSH_E_METHOD_TOO_LONG, 12, "the method is longer than QSH_MAX_METHOD_LEN")                   \
    /* The request target. */                                                                      \
    X(QSH_E_TARGET_EMPTY, 20, "the request target is empty")                                       \
    /* longer than QSH_MAX_TARGET_LEN */                                                           \
    X(QSH_E_TARGET_TOO_LONG, 21, "the request target is longer than QSH_MAX_TARGET_LEN")           \
    /* space, control or non-ASCII byte: cannot be on the wire */                                  \
    X(QSH_E_TARGET_BYTE, 22,                                                                       \
      "the request target has a space, control or non-ASCII byte; percent-encode it")              \
    /* '%' not followed by two hex digits */                                                       \
    X(QSH_E_PERCENT_MALFORMED, 23, "a '%' is not followed by two hex digits")                      \
    /* decoded bytes are not well-formed UTF-8 */                                                  \
    X(QSH_E_UTF8_INVALID, 24, "percent-decoded bytes are not well-formed UTF-8")                   \
    /* absolute URL without host, with userinfo or a bad port */                                   \
    X(QSH_E_URL_INVALID, 25,                                                                       \
      "the absolute URL has an empty host, userinfo, or a port that is not 0..65535")              \
    /* absolute URL whose scheme is not http or https */                                           \
    X(QSH_E_URL_SCHEME, 26, "the absolute URL's scheme is not http or https")                      \
    /* absolute URL target on another origin than the base URL */                                  \
    X(QSH_E_ORIGIN_MISMATCH, 27, "the absolute URL's origin is not the base URL's origin")         \
    /* The base URL. */                                                                            \
    /* not an absolute http(s) URL, or has a query or fragment */                                  \
    X(QSH_E_BASE_URL_INVALID, 30,                                                                  \
      "the base URL is not an absolute http(s) URL without query and fragment")                    \
    /* longer than QSH_MAX_BASE_URL_LEN */                                                         \
    X(QSH_E_BASE_URL_TOO_LONG, 31, "the base URL is longer than QSH_MAX_BASE_URL_LEN")             \
    /* The body. */                                                                                \
    /* a form body longer than QSH_MAX_BODY_LEN */                                                 \
    X(QSH_E_BODY_TOO_LONG, 40, "the form body is longer than QSH_MAX_BODY_LEN")                    \
    /* a form body with a space, control or non-ASCII byte */                                      \
    X(QSH_E_BODY_BYTE, 41, "the form body has a space, control or non-ASCII byte")                 \
    /* Token verification (qsh/token.h), in the order of the checks. The reason code of each * is  \
     * its name without "QSH_E_": B64_INVALID, SIG_INVALID, ... */                                 \
    /* kind not a qsh_token_kind, now < 0, leeway not 0..86400, or an install without audience or  \
     * clientKey */                                                                                \
    X(QSH_E_KIND_INVALID, 99,                                                                      \
      "the endpoint kind, clock or leeway is out of range, or an install lacks its audience or "   \
      "clientKey")                                                                                 \
    /* no Authorization: JWT header and no jwt parameter */                                        \
    X(QSH_E_CARRIAGE_MISSING, 100, "no Authorization: JWT header and no jwt query parameter")      \
    /* both, or the jwt parameter more than once */                                                \
    X(QSH_E_CARRIAGE_AMBIGUOUS, 101,                                                               \
      "the token comes both in the header and the query, or the jwt parameter repeats")            \
    /* an Authorization header that is not "JWT <token>" */                                        \
    X(QSH_E_CARRIAGE_SCHEME, 102, "the Authorization header is not exactly 'JWT <token>'")         \
    /* longer than QSH_MAX_TOKEN_LEN */                                                            \
    X(QSH_E_TOKEN_TOO_LARGE, 103, "the token is longer than QSH_MAX_TOKEN_LEN")                    \
    /* not exactly three '.'-separated segments */                                                 \
    X(QSH_E_SEGMENTS, 104, "the token does not have exactly three '.'-separated segments")         \
    /* not strict unpadded base64url with zero unused bits */                                      \
    X(QSH_E_B64_INVALID, 105,                                                                      \
      "a segment is not unpadded base64url with no stray characters and zero unused bits")         \
    /* header or claims not UTF-8 JSON (or a NUL, a number jansson cannot hold such as 1e400 or    \
     * 2^63) */                                                                                    \
    X(QSH_E_JSON_INVALID, 106, "the header or the claims are not valid UTF-8 JSON")                \
    /* a member name twice in one object */                                                        \
    X(QSH_E_JSON_DUP_MEMBER, 107, "a JSON object has the same member name twice")                  \
    /* nested deeper than QSH_MAX_JSON_DEPTH */                                                    \
    X(QSH_E_JSON_TOO_DEEP, 108, "the JSON nests deeper than QSH_MAX_JSON_DEPTH")                   \
    /* header or claims not a JSON object */                                                       \
    X(QSH_E_JSON_NOT_OBJECT, 109, "the header or the claims are not a JSON object")                \
    /* alg missing, or not exactly the kind's algorithm */                                         \
    X(QSH_E_ALG_NOT_ALLOWED, 110, "alg is missing or not the algorithm this endpoint allows")      \
    /* a crit header: no extension is understood */                                                \
    X(QSH_E_CRIT_UNSUPPORTED, 111,                                                                 \
      "the header lists critical extensions, none of which is understood")                         \
    /* kid missing for RS256, or not 1..128 of [A-Za-z0-9._-] */                                   \
    X(QSH_E_KID_INVALID, 112, "kid is missing or not 1 to 128 characters of A-Z a-z 0-9 . _ -")    \
    /* no iss string to choose the key by */                                                       \
    X(QSH_E_ISS_MISSING, 113, "iss is missing or not a string")                                    \
    /* no shared secret for that iss */                                                            \
    X(QSH_E_ISS_UNKNOWN, 114, "no shared secret is known for this iss")                            \
    /* no public key for that kid */                                                               \
    X(QSH_E_KEY_UNKNOWN, 115, "no public key is known for this kid")                               \
    /* the key given is not usable (bad PEM, not RSA) */                                           \
    X(QSH_E_KEY_INVALID, 116, "the key is not usable for this algorithm")                          \
    /* the signature does not verify */                                                            \
    X(QSH_E_SIG_INVALID, 117, "the signature does not verify")                                     \
    X(QSH_E_EXP_MISSING, 118, "exp is missing")                                                    \
    /* exp not a non-negative integer */                                                           \
    X(QSH_E_EXP_TYPE, 119, "exp is not a non-negative integer NumericDate")                        \
    /* now >= exp + leeway */                                                                      \
    X(QSH_E_EXP_EXPIRED, 120, "the token has expired (now >= exp + leeway)")                       \
    X(QSH_E_IAT_MISSING, 121, "iat is missing")                                                    \
    /* iat not a non-negative integer */                                                           \
    X(QSH_E_IAT_TYPE, 122, "iat is not a non-negative integer NumericDate")                        \
    /* iat > now + leeway */                                                                       \
    X(QSH_E_IAT_IN_FUTURE, 123, "iat is in the future (iat > now + leeway)")                       \
    /* nbf present but not a non-negative integer */                                               \
    X(QSH_E_NBF_TYPE, 124, "nbf is not a non-negative integer NumericDate")                        \
    /* nbf > now + leeway */                                                                       \
    X(QSH_E_NBF_NOT_YET, 125, "the token is not valid yet (nbf > now + leeway)")                   \
    /* exp <= iat */                                                                               \
    X(QSH_E_EXP_BEFORE_IAT, 126, "exp is not after iat")                                           \
    /* an audience is required and absent */                                                       \
    X(QSH_E_AUD_MISSING, 127, "aud is required here and missing")                                  \
    /* aud (string or array) does not hold the expected one */                                     \
    X(QSH_E_AUD_MISMATCH, 128, "aud does not name the expected audience")                          \
    /* install: iss is not the body's clientKey */                                                 \
    X(QSH_E_ISS_MISMATCH, 129, "iss is not the clientKey of the install body")                     \
    X(QSH_E_QSH_MISSING, 130, "qsh is missing")                                                    \
    /* qsh not 64 lowercase hex digits */                                                          \
    X(QSH_E_QSH_TYPE, 131, "qsh is not 64 lowercase hex digits")                                   \
    /* qsh is not the hash of the request */                                                       \
    X(QSH_E_QSH_MISMATCH, 132, "qsh is not the hash of this request")                              \
    /* context-qsh on an endpoint that takes no context tokens (CVE-2021-26073, CVE-2021-26074) */ \
    X(QSH_E_QSH_CONTEXT_NOT_ALLOWED, 133,                                                          \
      "context-qsh on an endpoint that does not take context tokens")                              \
    /* the request cannot be canonicalized to check qsh */                                         \
    X(QSH_E_REQUEST_INVALID, 134, "the request cannot be canonicalized to check qsh")              \
    /* app to product: the products answer 401 to ?jwt= since 2022-02-01 */                        \
    X(QSH_E_CARRIAGE_QUERY_NOT_ALLOWED, 135,                                                       \
      "this kind of token travels only in the Authorization header, never in the query")           \
    /* Bitbucket app to product: sub is not the expected clientKey */                              \
    X(QSH_E_SUB_MISMATCH, 136, "sub is missing or not the expected clientKey")                     \
    /* Forge: the JWKS the caller gave is not a JWK Set this verifier can use */                   \
    X(QSH_E_JWKS_INVALID, 137,                                                                     \
      "the JWKS is not a JSON object with a keys array of JWKs, or names the kid twice")           \
    /* Forge: iss is not forge/invocation-token */                                                 \
    X(QSH_E_FIT_ISS_INVALID, 138, "iss is not forge/invocation-token")                             \
    /* Forge: the app claim is missing or not this app's */                                        \
    X(QSH_E_FIT_APP_INVALID, 139,                                                                  \
      "the app claim lacks installationId or apiBaseUrl, or its id is not this app's")

typedef enum qsh_status {
#define QSH_STATUS_ENUM_ENTRY(name, value, message) name = value,
    QSH_STATUS_LIST(QSH_STATUS_ENUM_ENTRY)
#undef QSH_STATUS_ENUM_ENTRY
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
