/* Connect JWT tokens: a strict verifier and an HS256 signer (docs/RULES.md, Connect JWTs).
 *
 * The verifier reads no clock and no key store: the caller passes the time, a leeway and a key
 * lookup, so every verdict is deterministic. Checks run in a fixed order and the first failure
 * is the verdict, one distinct qsh_status per rule (its reason code is qsh_reason_code()):
 *
 *  1. carriage   an Authorization header value "JWT <token>" (scheme case-sensitive, one
 *                space, no '=': "JWT token=<jwt>" is not the format) or one jwt query
 *                parameter; both, or the parameter twice, is ambiguous; the query is refused
 *                for QSH_KIND_APP_TO_PRODUCT; at most QSH_MAX_TOKEN_LEN bytes.
 *  2. form       three '.'-separated segments of unpadded base64url, zero unused bits.
 *  3. JSON       header and claims are UTF-8 JSON objects (jansson), no duplicate names, no
 *                NUL, at most QSH_MAX_JSON_DEPTH deep; escaped names count after unescaping.
 *                Numbers jansson cannot hold (1e400, 2^63) make the JSON invalid.
 *  4. header     alg exactly "HS256" (RS256 for QSH_KIND_INSTALL); any crit is unsupported;
 *                jku, jwk, x5u and x5c are never used; kid, when present (and always for
 *                RS256), is 1..128 of [A-Za-z0-9._-] before any key is looked up.
 *  5. signature  HS256: the secret of the (unverified) iss, HMAC compared in constant time;
 *                RS256: the PEM public key of the kid, a signature exactly the key's size.
 *  6. claims     exp and iat non-negative integers with now < exp + leeway, iat <= now +
 *                leeway and exp > iat; nbf likewise when present; aud, when expected (always
 *                for installs), a string or array holding it exactly; install: iss equal to the
 *                body's clientKey (QSH_KIND_LIFECYCLE: when one is given); sub, when a
 *                subject is expected (Bitbucket's app-to-product tokens), equal to it.
 *  7. qsh        "context-qsh" only for QSH_KIND_CONTEXT (which also takes a real hash);
 *                otherwise 64 lowercase hex digits equal to the qsh of the request. A token
 *                without qsh is refused on every kind, the context kind included.
 *
 * The tenant is the iss and only the iss: aud never chooses the secret. The keys are those the
 * lookup was given (one key environment: production, staging or FedRAMP); nothing in the token
 * selects another set. */
#ifndef QSH_TOKEN_H
#define QSH_TOKEN_H

#include <stdint.h>

#include "qsh/canonical.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The library is built with hidden visibility; only what these headers declare is exported. */
#pragma GCC visibility push(default)

typedef enum qsh_token_kind {
    QSH_KIND_MODULE = 0,          /* an iframe URL signed by the product: HS256 */
    QSH_KIND_WEBHOOK = 1,         /* a webhook from the product: HS256 */
    QSH_KIND_CONTEXT = 2,         /* an endpoint for AP.context.getToken() tokens: HS256 */
    QSH_KIND_INSTALL = 3,         /* signed install or uninstall callback: RS256 */
    QSH_KIND_APP_TO_PRODUCT = 4,  /* an app calling the product: HS256, header only */
    QSH_KIND_LIFECYCLE = 5,       /* an HS256 lifecycle callback: enabled and disabled, and
                                     Bitbucket's installed and uninstalled (no signed install) */
    QSH_KIND_FORGE_INVOCATION = 6 /* a Forge Invocation Token to a Forge Remote: see below */
} qsh_token_kind;

/* Finds a key: for HS256 the shared secret of the tenant named by iss (kid may be empty); for
 * RS256 the PEM public key named by kid. Return QSH_OK with *key and *key_len set (the memory
 * stays the caller's), or QSH_E_ISS_UNKNOWN / QSH_E_KEY_UNKNOWN. */
typedef qsh_status (*qsh_key_lookup)(void *ud, int rs256, const char *iss, size_t iss_len,
                                     const char *kid, size_t kid_len, const unsigned char **key,
                                     size_t *key_len);

typedef struct qsh_verify_params {
    qsh_token_kind kind;
    int64_t now;               /* seconds since the epoch */
    int64_t leeway;            /* seconds, 0..86400 */
    const char *authorization; /* the Authorization header's value, or NULL (length 0) */
    size_t authorization_len;
    qsh_request request; /* the request; its target may carry the jwt parameter */
    qsh_key_lookup lookup;
    void *lookup_ud;
    const char *audience; /* expected aud, or NULL; required for installs (the app's baseUrl) */
    size_t audience_len;
    const char *client_key; /* install: the clientKey of the body; lifecycle: optional */
    size_t client_key_len;
    const char *subject; /* expected sub, or NULL (Bitbucket app to product: the clientKey) */
    size_t subject_len;
    /* QSH_KIND_FORGE_INVOCATION only (lookup is not used then and may be NULL): */
    const char *jwks; /* the JWK Set document the caller trusts, as JSON text; never fetched */
    size_t jwks_len;
    const char *app_id; /* the app's id, bare ("<uuid>") or as its ARI */
    size_t app_id_len;
} qsh_verify_params;

/* Forge Invocation Tokens (QSH_KIND_FORGE_INVOCATION; docs/RULES.md, Forge Invocation Tokens)
 * follow the same steps with these differences:
 *  1. carriage   only "Authorization: Bearer <token>" (scheme case-sensitive, one space, no
 *                '='); never the query.
 *  4. header     alg exactly "RS256"; kid required, of the syntax above.
 *  5. signature  the key is the one JWK of the caller's JWKS whose kid is the token's
 *                (QSH_E_KEY_UNKNOWN if none): the JWKS must be a JSON object (no duplicate
 *                names, at most QSH_MAX_JWKS_LEN bytes) whose keys array holds 1 to
 *                QSH_MAX_JWKS_KEYS objects, no two of them with the token's kid
 *                (QSH_E_JWKS_INVALID; other kids are not compared); the
 *                JWK must have kty "RSA", use "sig" and alg "RS256" when present, n and e
 *                unpadded base64url without leading zero octets, n of QSH_MIN_RSA_BITS to
 *                QSH_MAX_RSA_BITS, e odd and at least 3 (QSH_E_KEY_INVALID). Nothing in the
 *                token (jku, jwk, x5u, app.apiBaseUrl, ...) chooses the key or the JWKS.
 *  6. claims     the time claims as above; aud holding exactly "ari:cloud:ecosystem::app/<id>";
 *                iss exactly "forge/invocation-token" (QSH_E_FIT_ISS_INVALID); app an object
 *                with string installationId and apiBaseUrl and, when present, id equal to the
 *                app's ARI (QSH_E_FIT_APP_INVALID).
 *  7. qsh        not used. */

/* Verifies the token a request carries. QSH_OK when it is valid. */
QSH_MUST_USE qsh_status qsh_token_verify(qsh_ctx *ctx, const qsh_verify_params *p);

/* The claims of an HS256 token to sign. Every string is pointer + length, UTF-8 without NUL
 * bytes; an optional one is NULL (length 0) for none. */
typedef struct qsh_sign_params {
    const char *iss;
    size_t iss_len;
    const char *sub; /* NULL for none */
    size_t sub_len;
    const char *aud; /* NULL for none; written as a one-element array */
    size_t aud_len;
    const char *context_json; /* a JSON object as text, or NULL */
    size_t context_json_len;
    int64_t iat;
    int64_t exp;
    const char *qsh; /* NULL: computed from request; or e.g. "context-qsh" */
    size_t qsh_len;
    qsh_request request;
    const unsigned char *secret;
    size_t secret_len;
} qsh_sign_params;

/* Writes an HS256 token and a NUL into out[0..cap). QSH_E_NULL_ARG for a NULL iss or a NULL
 * pointer with a length > 0; QSH_E_UTF8_INVALID for a string that is not UTF-8;
 * QSH_E_JSON_INVALID for a string with a NUL byte or a context that is not a JSON object;
 * QSH_E_BUFFER_TOO_SMALL when the token does not fit; the status of the request's
 * canonicalization when that fails. */
QSH_MUST_USE qsh_status qsh_token_sign(qsh_ctx *ctx, const qsh_sign_params *p, char *out,
                                       size_t cap, size_t *len);

/* Writes an RS256 token and a NUL into out[0..cap): header {"alg":"RS256","kid":kid,"typ":"JWT"},
 * the claims given as a JSON object's text (written compact), signed with the PEM private key
 * (for tests and tools: Forge Invocation Tokens are signed by Forge). QSH_E_NULL_ARG,
 * QSH_E_KID_INVALID for a kid the verifier would refuse, QSH_E_JSON_INVALID for claims that are
 * not a JSON object, QSH_E_KEY_INVALID for a key that is not an RSA private key,
 * QSH_E_BUFFER_TOO_SMALL, QSH_E_CRYPTO. */
QSH_MUST_USE qsh_status qsh_token_sign_rs256(const char *kid, size_t kid_len,
                                             const char *claims_json, size_t claims_json_len,
                                             const unsigned char *pem, size_t pem_len, char *out,
                                             size_t cap, size_t *len);

/* Strict unpadded base64url decoding of in[0..n) into out[0..cap) (exposed for tools and
 * tests); n * 3 / 4 bytes always suffice. QSH_OK with *out_len set, QSH_E_B64_INVALID,
 * QSH_E_BUFFER_TOO_SMALL when the decoded bytes would not fit (nothing is written then), or
 * QSH_E_NULL_ARG. */
QSH_MUST_USE qsh_status qsh_b64url_decode(const char *in, size_t n, unsigned char *out, size_t cap,
                                          size_t *out_len);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
