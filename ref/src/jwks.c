/* JWKS parsing with jansson and RSA public keys built with OpenSSL from n and e. */
#include "jwks.h"

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <stdlib.h>
#include <string.h>

#include "qsh/limits.h"
#include "qsh/token.h"

size_t json_nesting(json_t *j) {
    size_t d = 0, i;
    const char *k;
    json_t *v;
    if (json_is_object(j)) {
        json_object_foreach(j, k, v) {
            size_t c = json_nesting(v);
            d = c > d ? c : d;
        }
        return d + 1;
    }
    if (json_is_array(j)) {
        json_array_foreach(j, i, v) {
            size_t c = json_nesting(v);
            d = c > d ? c : d;
        }
        return d + 1;
    }
    return 0;
}

static int str_is(json_t *j, const char *p, size_t n) {
    return json_is_string(j) && json_string_length(j) == n &&
           memcmp(json_string_value(j), p, n) == 0;
}

/* A Base64urlUInt (RFC 7518 section 2): strict base64url of the fewest octets, so no leading
 * zero octet. NULL when it is not one, or is longer than max octets. */
static BIGNUM *uint_of(json_t *s, size_t max) {
    unsigned char buf[QSH_MAX_RSA_BITS / 8 + 3];
    size_t n = 0;
    if (!json_is_string(s) || json_string_length(s) == 0 ||
        json_string_length(s) > (max * 4 + 2) / 3 ||
        qsh_b64url_decode(json_string_value(s), json_string_length(s), buf, sizeof buf, &n) !=
            QSH_OK ||
        n == 0 || n > max || buf[0] == 0 || n > (size_t)INT32_MAX) {
        return NULL;
    }
    return BN_bin2bn(buf, (int)n, NULL);
}

static qsh_status build_rsa(json_t *jwk, EVP_PKEY **out) {
    json_t *use = json_object_get(jwk, "use"), *alg = json_object_get(jwk, "alg");
    if (!str_is(json_object_get(jwk, "kty"), "RSA", 3) || (use != NULL && !str_is(use, "sig", 3)) ||
        (alg != NULL && !str_is(alg, "RS256", 5))) {
        return QSH_E_KEY_INVALID;
    }
    BIGNUM *n = uint_of(json_object_get(jwk, "n"), QSH_MAX_RSA_BITS / 8);
    BIGNUM *e = uint_of(json_object_get(jwk, "e"), 8);
    qsh_status st = QSH_E_KEY_INVALID;
    if (n != NULL && e != NULL && BN_num_bits(n) >= (int)QSH_MIN_RSA_BITS && BN_is_odd(e) &&
        !BN_is_one(e)) {
        OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
        OSSL_PARAM *params = NULL;
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
        st = QSH_E_NO_MEMORY;
        if (bld != NULL && ctx != NULL && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
            OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) &&
            (params = OSSL_PARAM_BLD_to_param(bld)) != NULL) {
            st = EVP_PKEY_fromdata_init(ctx) == 1 &&
                         EVP_PKEY_fromdata(ctx, out, EVP_PKEY_PUBLIC_KEY, params) == 1
                     ? QSH_OK
                     : QSH_E_KEY_INVALID;
        }
        OSSL_PARAM_free(params);
        OSSL_PARAM_BLD_free(bld);
        EVP_PKEY_CTX_free(ctx);
    }
    BN_free(n);
    BN_free(e);
    return st;
}

qsh_status jwks_rsa_key(const char *doc, size_t n, const char *kid, size_t kid_len,
                        EVP_PKEY **out) {
    json_error_t je;
    *out = NULL;
    if (doc == NULL || n > QSH_MAX_JWKS_LEN) {
        return QSH_E_JWKS_INVALID;
    }
    json_t *root = json_loadb(doc, n, JSON_REJECT_DUPLICATES, &je);
    json_t *keys = json_object_get(root, "keys"), *k, *found = NULL;
    size_t i, matches = 0;
    int ok = json_is_object(root) && json_is_array(keys) && json_array_size(keys) >= 1 &&
             json_array_size(keys) <= QSH_MAX_JWKS_KEYS && json_nesting(root) <= QSH_MAX_JSON_DEPTH;
#ifdef QSHCHECK_MUTANT_JWKS_KID
    (void)kid;
    (void)kid_len;
#endif
    json_array_foreach(keys, i, k) {
        ok &= json_is_object(k);
#ifdef QSHCHECK_MUTANT_JWKS_KID /* a planted bug for the fuzz mutation check: kid unread */
        if (i == 0) {
#else
        if (str_is(json_object_get(k, "kid"), kid, kid_len)) {
#endif
            matches++;
            found = k;
        }
    }
    qsh_status st = !ok || matches > 1 ? QSH_E_JWKS_INVALID
                    : matches == 0     ? QSH_E_KEY_UNKNOWN
                                       : build_rsa(found, out);
    json_decref(root);
    return st;
}
