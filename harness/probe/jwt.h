/* Writing the tokens a probe sends: any header and claims, signed with HS256 under any key or
 * not signed at all, so that attacks (alg none, a public key as an HMAC secret, a missing qsh)
 * can be built as easily as valid tokens. libqsh's signer writes valid tokens only. */
#ifndef QC_PROBE_JWT_H
#define QC_PROBE_JWT_H

#include <jansson.h>
#include <stddef.h>

/* Unpadded base64url of data[0..n) as a new NUL-terminated string, or NULL (out of memory). */
char *qc_b64url_encode(const unsigned char *data, size_t n);

/* header.claims.signature: the signature is HMAC-SHA256 under key[0..key_len), or empty when
 * key is NULL. A new string, or NULL (out of memory, or JSON that cannot be written). */
char *qc_jwt_encode(const json_t *header, const json_t *claims, const unsigned char *key,
                    size_t key_len);

/* A copy of token whose signature's first character is changed: the same length and still
 * base64url, but not the signature of its header and claims. NULL when out of memory. */
char *qc_jwt_tamper(const char *token);

/* Signed installs: the probe plays the product's key service with two RSA key pairs of its own,
 * made fresh for each run, the product's (published under a kid) and an attacker's. */
typedef struct qc_probe_keys qc_probe_keys;

/* NULL with err when the keys cannot be made. */
qc_probe_keys *qc_probe_keys_new(char *err, size_t errcap);
void qc_probe_keys_free(qc_probe_keys *k);
const char *qc_probe_keys_kid(const qc_probe_keys *k);
/* The product's public key as PEM text: what the key service answers for the kid. */
const char *qc_probe_keys_public_pem(const qc_probe_keys *k);

/* header.claims.signature with an RS256 signature by the product's key, or by the attacker's
 * when attacker is 1. NULL when out of memory or when signing fails. */
char *qc_jwt_encode_rs256(const json_t *header, const json_t *claims, const qc_probe_keys *k,
                          int attacker);

#endif
