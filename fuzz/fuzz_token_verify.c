/* Fuzz target: token verification against a fixed key, clock and request.
 *
 * Input framing: byte 0 selects the endpoint kind (mod 5) and bit 7 the carriage (set: the
 * Authorization header, "JWT " + the rest; clear: the jwt query parameter, the rest
 * percent-encoded so that it arrives as given); bit 6 gives a leeway of 60 s.
 *
 * Properties: the verdict is a documented status; and a token is accepted only when an
 * evaluation written here, from the rules of qsh/token.h, agrees: its segments are strict
 * base64url (decoded here, not by the library), the header's alg is the kind's (HS256, RS256
 * for installs), the signature is libcrypto's HMAC-SHA256 with the iss's secret or an RSA
 * PKCS#1 v1.5 SHA-256 signature by the install key, exp and iat are non-negative integers with
 * now < exp + leeway, iat <= now + leeway and exp > iat, nbf (when present) <= now + leeway,
 * aud holds the expected audience, an install's iss is its clientKey, and qsh is the fixed
 * request's hash, or "context-qsh" on a context endpoint only. */
#include <jansson.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <stdint.h>

#include "fuzz_props.h"
#include "fuzz_token_fixture.h"

static qsh_ctx *ctx;
static EVP_PKEY *install_key;

static void claim(int ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "property broken: accepted a token whose claims fail: %s\n", what);
        abort();
    }
}

/* A non-negative integer claim, or -1. */
static json_int_t date(json_t *claims, const char *name) {
    json_t *d = json_object_get(claims, name);
    return json_is_integer(d) && json_integer_value(d) >= 0 ? json_integer_value(d) : -1;
}

static int audience_holds(json_t *aud, const char *want) {
    size_t i;
    json_t *a;
    int ok = json_is_string(aud) && strcmp(json_string_value(aud), want) == 0;
    json_array_foreach(aud, i, a) {
        ok |= json_is_string(a) && strcmp(json_string_value(a), want) == 0;
    }
    return ok;
}

static int signature_holds(int rs256, const char *signed_part, size_t n, const unsigned char *sig,
                           size_t sig_len) {
    if (!rs256) {
        unsigned char md[32];
        unsigned int md_len = 0;
        HMAC(EVP_sha256(), FX_SECRET, (int)strlen(FX_SECRET), (const unsigned char *)signed_part, n,
             md, &md_len);
        return sig_len == 32 && md_len == 32 && memcmp(sig, md, 32) == 0;
    }
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    int ok = m != NULL && EVP_DigestVerifyInit(m, NULL, EVP_sha256(), NULL, install_key) == 1 &&
             EVP_DigestVerify(m, sig, sig_len, (const unsigned char *)signed_part, n) == 1;
    EVP_MD_CTX_free(m);
    return ok;
}

/* The evaluation of an accepted token tok[0..n) for kind, by the rules. */
static void check_accepted(const char *tok, size_t n, qsh_token_kind kind, int64_t leeway) {
    static unsigned char header[8192], body[8192], sig[1024];
    const char *d1 = memchr(tok, '.', n);
    const char *d2 = d1 ? memchr(d1 + 1, '.', (size_t)(tok + n - d1 - 1)) : NULL;
    claim(d2 != NULL && memchr(d2 + 1, '.', (size_t)(tok + n - d2 - 1)) == NULL, "three segments");
    size_t hn = fx_b64url(tok, (size_t)(d1 - tok), header, sizeof header);
    size_t bn = fx_b64url(d1 + 1, (size_t)(d2 - d1 - 1), body, sizeof body);
    size_t sn = fx_b64url(d2 + 1, (size_t)(tok + n - d2 - 1), sig, sizeof sig);
    claim(hn != (size_t)-1 && bn != (size_t)-1 && sn != (size_t)-1, "strict base64url");
    json_error_t je;
    json_t *h = json_loadb((const char *)header, hn, JSON_REJECT_DUPLICATES, &je);
    json_t *c = json_loadb((const char *)body, bn, JSON_REJECT_DUPLICATES, &je);
    claim(json_is_object(h) && json_is_object(c), "header and claims are JSON objects");
    int rs256 = kind == QSH_KIND_INSTALL;
    json_t *alg = json_object_get(h, "alg");
    claim(json_is_string(alg) && strcmp(json_string_value(alg), rs256 ? "RS256" : "HS256") == 0,
          "alg");
    json_t *iss = json_object_get(c, "iss");
    claim(json_is_string(iss), "iss");
    if (!rs256) {
        claim(strcmp(json_string_value(iss), FX_ISS) == 0, "the iss whose secret signs");
    }
    claim(signature_holds(rs256, tok, (size_t)(d2 - tok), sig, sn), "signature");
    json_int_t exp = date(c, "exp"), iat = date(c, "iat");
    claim(exp >= 0 && FX_NOW < exp + leeway, "exp");
    claim(iat >= 0 && iat <= FX_NOW + leeway, "iat");
    claim(exp > iat, "exp after iat");
    if (json_object_get(c, "nbf") != NULL) {
        json_int_t nbf = date(c, "nbf");
        claim(nbf >= 0 && nbf <= FX_NOW + leeway, "nbf");
    }
    if (kind == QSH_KIND_INSTALL) {
        claim(audience_holds(json_object_get(c, "aud"), FX_BASE), "aud");
        claim(strcmp(json_string_value(iss), FX_CLIENT_KEY) == 0, "an install's iss");
    } else if (kind == QSH_KIND_APP_TO_PRODUCT) {
        claim(audience_holds(json_object_get(c, "aud"), FX_CLIENT_KEY), "aud");
    }
    json_t *qsh = json_object_get(c, "qsh");
    claim(json_is_string(qsh), "qsh");
    if (strcmp(json_string_value(qsh), "context-qsh") == 0) {
        claim(kind == QSH_KIND_CONTEXT, "context-qsh on an endpoint that takes no context tokens");
    } else {
        claim(json_string_length(qsh) == 64 && strcmp(json_string_value(qsh), fx_qsh()) == 0,
              "qsh is the request's");
    }
    json_decref(h);
    json_decref(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char target[3 * 9000 + 128], auth[9000];
    if (size < 1 || size > 8300) {
        return 0;
    }
    if (ctx == NULL) {
        BIO *bio = BIO_new_mem_buf(fx_public_key, -1);
        install_key = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
        BIO_free(bio);
        char hex[QSH_HEX_SIZE];
        qsh_request r = fx_request();
        if ((ctx = qsh_ctx_new()) == NULL || install_key == NULL ||
            qsh_compute(ctx, &r, hex) != QSH_OK || strcmp(hex, fx_qsh()) != 0) {
            abort(); /* the fixture and FX_CANONICAL disagree */
        }
    }
    qsh_verify_params p;
    memset(&p, 0, sizeof p);
    p.kind = (qsh_token_kind)(data[0] % 5);
    p.now = FX_NOW;
    p.leeway = data[0] & 0x40 ? 60 : 0;
    p.request = fx_request();
    p.lookup = fx_lookup;
    if (p.kind == QSH_KIND_INSTALL) {
        p.audience = FX_BASE;
        p.client_key = FX_CLIENT_KEY;
        p.client_key_len = strlen(FX_CLIENT_KEY);
    } else if (p.kind == QSH_KIND_APP_TO_PRODUCT) {
        p.audience = FX_CLIENT_KEY;
    }
    p.audience_len = p.audience ? strlen(p.audience) : 0;
    const char *tok = (const char *)data + 1;
    size_t tok_len = size - 1;
    if (data[0] & 0x80) {
        memcpy(auth, "JWT ", 4);
        memcpy(auth + 4, tok, tok_len);
        p.authorization = auth;
        p.authorization_len = tok_len + 4;
    } else {
        static const char hex[] = "0123456789ABCDEF";
        size_t n = (size_t)snprintf(target, sizeof target, "%s&jwt=", FX_TARGET);
        for (size_t i = 0; i < tok_len; i++) {
            unsigned char b = (unsigned char)tok[i];
            target[n++] = '%';
            target[n++] = hex[b >> 4];
            target[n++] = hex[b & 15];
        }
        p.request.target = target;
        p.request.target_len = n;
    }
    qsh_status st = qsh_token_verify(ctx, &p);
    prop(strcmp(qsh_status_name(st), "QSH_E_UNKNOWN") != 0 && st != QSH_E_NULL_ARG &&
             st != QSH_E_KIND_INVALID,
         "an undocumented status");
    if (st == QSH_OK) {
        check_accepted(tok, tok_len, p.kind, p.leeway);
    }
    return 0;
}
