/* A JWK Set given by the caller (Forge Invocation Tokens): find the RSA key of a kid and build
 * it with OpenSSL. The rules are those of qsh/token.h, step 5 for QSH_KIND_FORGE_INVOCATION. */
#ifndef QSH_JWKS_H
#define QSH_JWKS_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stddef.h>

#include "qsh/status.h"

/* The RS256 public key named kid[0..kid_len) in the JWKS document doc[0..n). QSH_OK with *out
 * (the caller frees it), QSH_E_JWKS_INVALID, QSH_E_KEY_UNKNOWN, QSH_E_KEY_INVALID or
 * QSH_E_NO_MEMORY. */
/* How deeply j nests objects and arrays (a scalar is 0, {} and [] are 1): the JSON depth that
 * QSH_MAX_JSON_DEPTH bounds, for token segments, signed claims and JWKS documents alike. */
size_t json_nesting(json_t *j);

qsh_status jwks_rsa_key(const char *doc, size_t n, const char *kid, size_t kid_len, EVP_PKEY **out);

#endif
