/* The canonical request and the query string hash (qsh) of Atlassian Connect.
 *
 *     canonical_request = METHOD "&" CANONICAL_URI "&" CANONICAL_QUERY
 *     qsh               = lowercase hex of SHA-256(canonical_request)
 *
 * The rules are those of docs/RULES.md. Where the public sources leave a case open, the
 * reference decides as follows; each decision is pinned by vectors (see vectors/):
 *
 * Method      ASCII upper-cased. It must be 1..QSH_MAX_METHOD_LEN RFC 9110 token characters
 *             (QSH_E_METHOD_EMPTY, QSH_E_METHOD_INVALID, QSH_E_METHOD_TOO_LONG).
 * Target      origin-form ("/path?query") or absolute ("https://host/path?query"). Every byte
 *             must be printable ASCII 0x21..0x7E, since nothing else can be on the wire:
 *             a raw space, control or UTF-8 byte is QSH_E_TARGET_BYTE (the caller must
 *             percent-encode it; guessing how would hide the caller's bug). The first '#'
 *             starts a fragment, which is dropped with everything after it. A target is
 *             absolute when it starts with "scheme://"; the scheme must be http or https
 *             (QSH_E_URL_SCHEME), the authority non-empty, without userinfo, with a port of
 *             digits up to 65535 (QSH_E_URL_INVALID). With a base URL, the target's origin
 *             (scheme and host compared case-insensitively, default ports 80 and 443 filled
 *             in) must be the base URL's (QSH_E_ORIGIN_MISMATCH). Without one, the origin is
 *             not checked and nothing is stripped.
 * Base URL    optional (length 0). When given it must be an absolute http(s) URL without
 *             query or fragment (QSH_E_BASE_URL_INVALID). Its path is the base path; trailing
 *             '/' are ignored, so "https://h/wiki/" and "https://h/wiki" are the same base.
 *             The base path is removed from the request path only on a segment boundary
 *             (the path equals it or continues with '/'), comparing bytes exactly. A path
 *             outside the base path is hashed as it is.
 * Path        profile SERVER: the raw path; every '%' must start a valid escape
 *             (QSH_E_PERCENT_MALFORMED), but escapes are kept as sent.
 *             profile PRODUCT: the path and the base path are percent-decoded first ('+'
 *             stays '+'); the decoded bytes must be UTF-8 (QSH_E_UTF8_INVALID). Then, in both
 *             profiles: strip the base path, remove exactly one trailing '/' from a path
 *             longer than one byte, make an empty path "/", prefix a missing '/', and write
 *             every '&' as "%26".
 * Query       split on '&' only. Empty pieces ("&&", a leading or trailing '&') carry no
 *             parameter and are skipped. A piece is split at its first '='; a piece without
 *             '=' has the value "". Names and values are form-decoded ('+' is a space, %XX a
 *             byte, hex in either case); a malformed escape is QSH_E_PERCENT_MALFORMED and
 *             bytes that are not UTF-8 after decoding are QSH_E_UTF8_INVALID. A parameter
 *             whose decoded name is empty ("=v") is dropped, as Tomcat's parameter parser
 *             does. A parameter whose decoded name is exactly "jwt" is dropped.
 * Body        merged into the parameters when the method is exactly "POST" and the media
 *             type of content_type (before any ';', blanks trimmed) is exactly
 *             "application/x-www-form-urlencoded", as Tomcat reads a form body (PUT, "post" or
 *             another letter case of the media type leave the body out). It is parsed
 *             like the query; its bytes must be printable ASCII (QSH_E_BODY_BYTE) and at
 *             most QSH_MAX_BODY_LEN (QSH_E_BODY_TOO_LONG). Otherwise the body is ignored.
 * Sorting     values of one name by UTF-16 code units of the decoded strings (Java
 *             String.compareTo); names by the bytes of their encoded form.
 * Encoding    every byte outside A-Z a-z 0-9 - . _ ~ becomes %XX with upper-case hex.
 *
 * Thread safety: no global mutable state. A qsh_ctx is scratch space for one thread at a time;
 * use one per thread. After the first calls have grown it, a call allocates nothing. */
#ifndef QSH_CANONICAL_H
#define QSH_CANONICAL_H

#include <stddef.h>

#include "qsh/limits.h"
#include "qsh/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The library is built with hidden visibility; only what these headers declare is exported. */
#pragma GCC visibility push(default)

typedef enum qsh_profile {
    QSH_PROFILE_SERVER = 0, /* raw path: a server verifying, or an app calling a product */
    QSH_PROFILE_PRODUCT = 1 /* decoded path: what the product signs when it calls an app */
} qsh_profile;

/* A request. Every field is pointer + length; NUL termination is never relied on. A pointer
 * may be NULL only when its length is 0. */
typedef struct qsh_request {
    const char *method;
    size_t method_len;
    const char *target; /* request target as sent: "/path?query" or "https://host/path?q" */
    size_t target_len;
    const char *base_url; /* "" (length 0) for none */
    size_t base_url_len;
    qsh_profile profile;
    const char *body; /* form body, used only as described above */
    size_t body_len;
    const char *content_type;
    size_t content_type_len;
} qsh_request;

/* Where the parts of a canonical request lie in the output buffer. The method starts at 0. */
typedef struct qsh_canonical {
    size_t method_len;
    size_t uri_off;
    size_t uri_len;
    size_t query_off;
    size_t query_len;
    size_t len; /* the whole canonical request, not counting the NUL written after it */
} qsh_canonical;

/* Reusable scratch space. qsh_ctx_free accepts NULL. */
typedef struct qsh_ctx qsh_ctx;
qsh_ctx *qsh_ctx_new(void);
void qsh_ctx_free(qsh_ctx *ctx);

/* An upper bound on the bytes qsh_canonicalize needs in `out` for this request, counting the
 * terminating NUL. 0 when a length exceeds its limit, counting the body's only where the body
 * applies, or when a pointer is NULL with a length > 0 (qsh_canonicalize then says which). */
size_t qsh_canonical_bound(const qsh_request *req);

/* Writes the canonical request into out[0..cap) followed by a NUL, and where its parts lie
 * into *parts. On any error nothing useful is in `out` and *parts is zeroed. */
QSH_MUST_USE qsh_status qsh_canonicalize(qsh_ctx *ctx, const qsh_request *req, char *out,
                                         size_t cap, qsh_canonical *parts);

/* Computes the qsh of the request: 64 lowercase hex digits and a NUL into hex. */
QSH_MUST_USE qsh_status qsh_compute(qsh_ctx *ctx, const qsh_request *req, char hex[QSH_HEX_SIZE]);

/* SHA-256 of data[0..len) as 64 lowercase hex digits and a NUL. */
QSH_MUST_USE qsh_status qsh_sha256_hex(qsh_ctx *ctx, const void *data, size_t len,
                                       char hex[QSH_HEX_SIZE]);

/* 1 when s[0..n) is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF), else 0: the test the canonicalizer applies to decoded bytes. NULL is the
 * empty string when n is 0, and 0 otherwise. */
int qsh_utf8_valid(const char *s, size_t n);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
