/* Unit tests of the token code: strict base64url, sign then verify, and the parameter checks
 * of the verifier. The vectors (vectors/token_*.json) cover each rule; these cover the API. */
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdlib.h>

#include "check.h"
#include "qsh/qsh.h"

static const char *SECRET = "unit-secret";

static qsh_status lookup(void *ud, int rs256, const char *iss, size_t iss_len, const char *kid,
                         size_t kid_len, const unsigned char **key, size_t *key_len) {
    (void)ud;
    (void)kid;
    (void)kid_len;
    if (rs256 || iss_len != 6 || memcmp(iss, "tenant", 6) != 0) {
        return QSH_E_ISS_UNKNOWN;
    }
    *key = (const unsigned char *)SECRET;
    *key_len = strlen(SECRET);
    return QSH_OK;
}

#define B64(in, n, out, len) qsh_b64url_decode(in, n, out, sizeof out, len)

static void test_b64url(void) {
    unsigned char out[16];
    size_t n = 0;
    CHECK(B64("", 0, out, &n) == QSH_OK && n == 0);
    CHECK(B64("YQ", 2, out, &n) == QSH_OK && n == 1 && out[0] == 'a');
    CHECK(B64("YWI", 3, out, &n) == QSH_OK && n == 2 && memcmp(out, "ab", 2) == 0);
    CHECK(B64("YWJj", 4, out, &n) == QSH_OK && n == 3);
    CHECK(B64("-_-_", 4, out, &n) == QSH_OK && n == 3 && out[0] == 0xFB);
    CHECK(B64("YR", 2, out, &n) == QSH_E_B64_INVALID);   /* unused bits set */
    CHECK(B64("YWJ", 3, out, &n) == QSH_E_B64_INVALID);  /* unused bits set */
    CHECK(B64("Y", 1, out, &n) == QSH_E_B64_INVALID);    /* 4n + 1 */
    CHECK(B64("YQ==", 4, out, &n) == QSH_E_B64_INVALID); /* padding */
    CHECK(B64("+/+/", 4, out, &n) == QSH_E_B64_INVALID); /* standard alphabet */
    CHECK(B64("YW Jj", 5, out, &n) == QSH_E_B64_INVALID);

    /* The output's capacity: exactly what the input decodes to, nothing written beyond it. */
    memset(out, 0x55, sizeof out);
    CHECK(qsh_b64url_decode("YWJj", 4, out, 2, &n) == QSH_E_BUFFER_TOO_SMALL && out[0] == 0x55);
    CHECK(qsh_b64url_decode("YWJj", 4, out, 3, &n) == QSH_OK && n == 3 && out[3] == 0x55);
    CHECK(qsh_b64url_decode("YWI", 3, out, 1, &n) == QSH_E_BUFFER_TOO_SMALL);
    CHECK(qsh_b64url_decode("YWI", 3, out, 2, &n) == QSH_OK && n == 2);
    CHECK(qsh_b64url_decode("YWJjYQ", 6, out, 3, &n) == QSH_E_BUFFER_TOO_SMALL);
    CHECK(qsh_b64url_decode("YWJjYQ", 6, out, 4, &n) == QSH_OK && n == 4 && out[3] == 'a');
    CHECK(qsh_b64url_decode("", 0, NULL, 0, &n) == QSH_OK && n == 0);
    CHECK(qsh_b64url_decode(NULL, 2, out, sizeof out, &n) == QSH_E_NULL_ARG);
    CHECK(qsh_b64url_decode("YQ", 2, NULL, 4, &n) == QSH_E_NULL_ARG);
    CHECK(qsh_b64url_decode("YQ", 2, out, sizeof out, NULL) == QSH_E_NULL_ARG);
}

static void test_sign_verify(qsh_ctx *ctx) {
    const char *target = "/wiki/rest/api/content?limit=5";
    qsh_request req = {"GET",
                       3,
                       target,
                       strlen(target),
                       "https://x.atlassian.net/wiki",
                       28,
                       QSH_PROFILE_SERVER,
                       NULL,
                       0,
                       NULL,
                       0};
    /* Every string by its length, none NUL-terminated where it ends. */
    qsh_sign_params sp;
    memset(&sp, 0, sizeof sp);
    sp.iss = "tenant-and-more";
    sp.iss_len = 6;
    sp.sub = "userX";
    sp.sub_len = 4;
    sp.aud = "client, not this";
    sp.aud_len = 6;
    sp.iat = 1000;
    sp.exp = 1180;
    sp.request = req;
    sp.secret = (const unsigned char *)SECRET;
    sp.secret_len = strlen(SECRET);
    char tok[2048], auth[2100];
    size_t n = 0;
    CHECK(qsh_token_sign(ctx, &sp, tok, sizeof tok, &n) == QSH_OK && n == strlen(tok));
    {
        /* The claims hold each string up to its length only. */
        const char *dot1 = strchr(tok, '.'), *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
        unsigned char claims[512];
        size_t cn = 0;
        CHECK(dot2 != NULL && qsh_b64url_decode(dot1 + 1, (size_t)(dot2 - dot1 - 1), claims,
                                                sizeof claims - 1, &cn) == QSH_OK);
        claims[cn] = '\0';
        CHECK(strstr((char *)claims, "\"iss\":\"tenant\"") != NULL);
        CHECK(strstr((char *)claims, "\"sub\":\"user\"") != NULL);
        CHECK(strstr((char *)claims, "\"aud\":[\"client\"]") != NULL);
    }
    CHECK(qsh_token_sign(ctx, &sp, tok, 10, &n) == QSH_E_BUFFER_TOO_SMALL);
    CHECK(qsh_token_sign(ctx, &sp, tok, sizeof tok, &n) == QSH_OK);
    snprintf(auth, sizeof auth, "JWT %s", tok);

    qsh_verify_params p;
    memset(&p, 0, sizeof p);
    p.kind = QSH_KIND_APP_TO_PRODUCT;
    p.now = 1100;
    p.request = req;
    p.lookup = lookup;
    p.authorization = auth;
    p.authorization_len = strlen(auth);
    p.audience = "client";
    p.audience_len = 6;
    CHECK(qsh_token_verify(ctx, &p) == QSH_OK);
    p.now = 1180;
    CHECK(qsh_token_verify(ctx, &p) == QSH_E_EXP_EXPIRED);
    p.leeway = 1;
    CHECK(qsh_token_verify(ctx, &p) == QSH_OK);
    p.now = 1100;
    p.leeway = 0;
    p.audience = "other";
    p.audience_len = 5;
    CHECK(qsh_token_verify(ctx, &p) == QSH_E_AUD_MISMATCH);
    p.audience = NULL;
    p.audience_len = 0;
    p.kind = QSH_KIND_MODULE; /* same token where the product profile applies: /wiki decoded
                                 alike, so the hash still matches */
    CHECK(qsh_token_verify(ctx, &p) == QSH_OK);
    p.request.method = "POST";
    p.request.method_len = 4;
    CHECK(qsh_token_verify(ctx, &p) == QSH_E_QSH_MISMATCH);
    p.request = req;
    auth[strlen(auth) - 1] = auth[strlen(auth) - 1] == 'A' ? 'B' : 'A';
    CHECK(qsh_token_verify(ctx, &p) == QSH_E_SIG_INVALID ||
          qsh_token_verify(ctx, &p) == QSH_E_B64_INVALID);

    /* context-qsh: signed as given, taken only by context endpoints. */
    sp.qsh = "context-qsh and the rest";
    sp.qsh_len = 11;
    CHECK(qsh_token_sign(ctx, &sp, tok, sizeof tok, &n) == QSH_OK);
    snprintf(auth, sizeof auth, "JWT %s", tok);
    p.authorization_len = strlen(auth);
    CHECK(qsh_token_verify(ctx, &p) == QSH_E_QSH_CONTEXT_NOT_ALLOWED);
    p.kind = QSH_KIND_CONTEXT;
    CHECK(qsh_token_verify(ctx, &p) == QSH_OK);

    /* 2021 onwards: an app-to-product token travels in the header only; sub, when a subject
     * is expected (Bitbucket), is exactly it; "JWT token=<jwt>" is not the format. */
    sp.qsh = NULL;
    sp.qsh_len = 0;
    CHECK(qsh_token_sign(ctx, &sp, tok, sizeof tok, &n) == QSH_OK);
    snprintf(auth, sizeof auth, "JWT %s", tok);
    p.authorization_len = strlen(auth);
    p.kind = QSH_KIND_APP_TO_PRODUCT;
    p.subject = "user";
    p.subject_len = 4;
    CHECK(qsh_token_verify(ctx, &p) == QSH_OK);
    p.subject = "userX";
    p.subject_len = 5;
    CHECK(qsh_token_verify(ctx, &p) == QSH_E_SUB_MISMATCH);
    p.subject_len = 4;
    p.subject = NULL;
    CHECK(qsh_token_verify(ctx, &p) == QSH_E_NULL_ARG);
    p.subject_len = 0;
    char query_target[2200], token_param[2100];
    snprintf(query_target, sizeof query_target, "%s&jwt=%s", target, tok);
    p.request.target = query_target;
    p.request.target_len = strlen(query_target);
    p.authorization = NULL;
    p.authorization_len = 0;
    CHECK(qsh_token_verify(ctx, &p) == QSH_E_CARRIAGE_QUERY_NOT_ALLOWED);
    p.kind = QSH_KIND_MODULE; /* product-to-app tokens still travel in the query */
    CHECK(qsh_token_verify(ctx, &p) == QSH_OK);
    p.request = req;
    snprintf(token_param, sizeof token_param, "JWT token=%s", tok);
    p.authorization = token_param;
    p.authorization_len = strlen(token_param);
    CHECK(qsh_token_verify(ctx, &p) == QSH_E_CARRIAGE_SCHEME);
    p.kind = QSH_KIND_LIFECYCLE; /* HS256 lifecycle callback: iss must be the body's clientKey */
    p.authorization = auth;
    p.authorization_len = strlen(auth);
    p.client_key = "tenant";
    p.client_key_len = 6;
    CHECK(qsh_token_verify(ctx, &p) == QSH_OK);
    p.client_key = "tenanT";
    CHECK(qsh_token_verify(ctx, &p) == QSH_E_ISS_MISMATCH);
    p.client_key = NULL;
    p.client_key_len = 0;
    CHECK(qsh_token_verify(ctx, &p) == QSH_OK);

    /* Claims that cannot be written as JSON. */
    sp.iss = "bad\xff";
    sp.iss_len = 4;
    CHECK(qsh_token_sign(ctx, &sp, tok, sizeof tok, &n) == QSH_E_UTF8_INVALID);
    sp.iss = "tenant";
    sp.iss_len = 6;
    sp.context_json = "[1]";
    sp.context_json_len = 3;
    CHECK(qsh_token_sign(ctx, &sp, tok, sizeof tok, &n) == QSH_E_JSON_INVALID);
    /* A context as deep as the verifier takes (the claims one level more), and one deeper. */
    char deep[128];
    for (size_t levels = QSH_MAX_JSON_DEPTH - 1; levels <= QSH_MAX_JSON_DEPTH; levels++) {
        size_t k = 0;
        for (size_t i = 0; i + 1 < levels; i++) {
            memcpy(deep + k, "{\"a\":", 5);
            k += 5;
        }
        memcpy(deep + k, "{}", 2);
        k += 2;
        memset(deep + k, '}', levels - 1);
        sp.context_json = deep;
        sp.context_json_len = k + levels - 1;
        CHECK(qsh_token_sign(ctx, &sp, tok, sizeof tok, &n) ==
              (levels < QSH_MAX_JSON_DEPTH ? QSH_OK : QSH_E_JSON_TOO_DEEP));
    }
    sp.context_json = "{\"a\":1} and text after it";
    sp.context_json_len = 7;
    CHECK(qsh_token_sign(ctx, &sp, tok, sizeof tok, &n) == QSH_OK);
    sp.sub = "us\0er";
    sp.sub_len = 5;
    CHECK(qsh_token_sign(ctx, &sp, tok, sizeof tok, &n) == QSH_E_JSON_INVALID); /* a NUL */
    sp.sub = NULL;
    CHECK(qsh_token_sign(ctx, &sp, tok, sizeof tok, &n) == QSH_E_NULL_ARG);
    sp.sub_len = 0;
    CHECK(qsh_token_sign(ctx, &sp, tok, sizeof tok, &n) == QSH_OK);
}

static void test_params(qsh_ctx *ctx) {
    qsh_verify_params p;
    memset(&p, 0, sizeof p);
    p.lookup = lookup;
    CHECK(qsh_token_verify(NULL, &p) == QSH_E_NULL_ARG);
    CHECK(qsh_token_verify(ctx, NULL) == QSH_E_NULL_ARG);
    p.kind = (qsh_token_kind)9;
    CHECK(qsh_token_verify(ctx, &p) == QSH_E_KIND_INVALID);
    p.kind = QSH_KIND_MODULE;
    p.leeway = 86401;
    CHECK(qsh_token_verify(ctx, &p) == QSH_E_KIND_INVALID);
    p.leeway = 0;
    p.now = -1;
    CHECK(qsh_token_verify(ctx, &p) == QSH_E_KIND_INVALID);
    p.now = 0;
    p.kind = QSH_KIND_INSTALL; /* an install needs its audience and clientKey */
    CHECK(qsh_token_verify(ctx, &p) == QSH_E_KIND_INVALID);
    p.kind = QSH_KIND_MODULE;
    p.request.target = "/x";
    p.request.target_len = 2;
    CHECK(qsh_token_verify(ctx, &p) == QSH_E_CARRIAGE_MISSING);
    CHECK(strcmp(qsh_reason_code(QSH_E_SIG_INVALID), "SIG_INVALID") == 0);
    CHECK(strcmp(qsh_reason_code(QSH_OK), "OK") == 0);
}

/* Unpadded base64url, written here so that the JWKS does not come from the library under test. */
static void b64u(const unsigned char *in, size_t n, char *out) {
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) |
                     (i + 2 < n ? in[i + 2] : 0);
        out[o++] = abc[v >> 18 & 63];
        out[o++] = abc[v >> 12 & 63];
        if (i + 1 < n) {
            out[o++] = abc[v >> 6 & 63];
        }
        if (i + 2 < n) {
            out[o++] = abc[v & 63];
        }
    }
    out[o] = '\0';
}

static void bn_b64u(EVP_PKEY *k, const char *name, char *out) {
    BIGNUM *bn = NULL;
    unsigned char buf[1024];
    CHECK(EVP_PKEY_get_bn_param(k, name, &bn) == 1 && BN_num_bytes(bn) <= (int)sizeof buf);
    int n = BN_bn2bin(bn, buf);
    b64u(buf, n > 0 ? (size_t)n : 0, out);
    BN_free(bn);
}

/* Forge Invocation Tokens: sign with a key made here, verify against a JWKS written here from
 * its n and e. */
static void test_forge(qsh_ctx *ctx) {
    EVP_PKEY *key = EVP_RSA_gen(2048);
    BIO *bio = BIO_new(BIO_s_mem());
    CHECK(key != NULL && bio != NULL &&
          PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL));
    char *pem = NULL;
    long pem_len = BIO_get_mem_data(bio, &pem);
    static char n64[1400], e64[16], jwks[2000], tok[4096], auth[4200];
    bn_b64u(key, "n", n64);
    bn_b64u(key, "e", e64);
    snprintf(
        jwks, sizeof jwks,
        "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"use\":\"sig\",\"n\":\"%s\",\"e\":\"%s\"}]}",
        n64, e64);
    const char *claims = "{\"iss\":\"forge/invocation-token\",\"aud\":\"ari:cloud:ecosystem::app/"
                         "a1\",\"iat\":1000,\"exp\":1300,\"app\":{\"installationId\":\"i\","
                         "\"apiBaseUrl\":\"https://api.atlassian.com/ex/jira/c\"}}";
    size_t n = 0;
    const unsigned char *pk = (const unsigned char *)pem;
    size_t pkl = pem_len > 0 ? (size_t)pem_len : 0;
    CHECK(qsh_token_sign_rs256("k1", 2, claims, strlen(claims), pk, pkl, tok, sizeof tok, &n) ==
          QSH_OK);
    CHECK(qsh_token_sign_rs256("../k", 4, claims, strlen(claims), pk, pkl, tok, sizeof tok, &n) ==
          QSH_E_KID_INVALID);
    CHECK(qsh_token_sign_rs256("k1", 2, "[1]", 3, pk, pkl, tok, sizeof tok, &n) ==
          QSH_E_JSON_INVALID);
    CHECK(qsh_token_sign_rs256("k1", 2, claims, strlen(claims), (const unsigned char *)"x", 1, tok,
                               sizeof tok, &n) == QSH_E_KEY_INVALID);
    CHECK(qsh_token_sign_rs256("k1", 2, claims, strlen(claims), pk, pkl, tok, 100, &n) ==
          QSH_E_BUFFER_TOO_SMALL);
    CHECK(qsh_token_sign_rs256("k1", 2, claims, strlen(claims), pk, pkl, tok, sizeof tok, &n) ==
          QSH_OK);
    snprintf(auth, sizeof auth, "Bearer %s", tok);

    qsh_verify_params p;
    memset(&p, 0, sizeof p);
    p.kind = QSH_KIND_FORGE_INVOCATION; /* no lookup: the JWKS is the only key source */
    p.now = 1100;
    p.request.method = "POST";
    p.request.method_len = 4;
    p.request.target = "/r";
    p.request.target_len = 2;
    p.request.profile = QSH_PROFILE_PRODUCT;
    p.authorization = auth;
    p.authorization_len = strlen(auth);
    p.jwks = jwks;
    p.jwks_len = strlen(jwks);
    p.app_id = "a1";
    p.app_id_len = 2;
    CHECK(qsh_token_verify(ctx, &p) == QSH_OK);
    p.app_id = "ari:cloud:ecosystem::app/a1";
    p.app_id_len = strlen(p.app_id);
    CHECK(qsh_token_verify(ctx, &p) == QSH_OK);
    p.app_id = "a2";
    p.app_id_len = 2;
    CHECK(qsh_token_verify(ctx, &p) == QSH_E_AUD_MISMATCH);
    p.app_id = "a1";
    p.now = 1300;
    CHECK(qsh_token_verify(ctx, &p) == QSH_E_EXP_EXPIRED);
    p.now = 1100;
    p.jwks_len = strlen(jwks) - 1; /* cut short: not JSON */
    CHECK(qsh_token_verify(ctx, &p) == QSH_E_JWKS_INVALID);
    p.jwks_len = strlen(jwks);
    jwks[strstr(jwks, "\"k1\"") - jwks + 2] = '2'; /* the JWKS names k2 now */
    CHECK(qsh_token_verify(ctx, &p) == QSH_E_KEY_UNKNOWN);
    jwks[strstr(jwks, "\"k2\"") - jwks + 2] = '1';
    CHECK(qsh_token_verify(ctx, &p) == QSH_OK);
    auth[0] = 'b'; /* bearer: not the strict scheme */
    CHECK(qsh_token_verify(ctx, &p) == QSH_E_CARRIAGE_SCHEME);
    auth[0] = 'B';
    p.jwks = NULL;
    CHECK(qsh_token_verify(ctx, &p) == QSH_E_KIND_INVALID);
    p.jwks = jwks;
    p.app_id_len = 0;
    CHECK(qsh_token_verify(ctx, &p) == QSH_E_KIND_INVALID);
    BIO_free(bio);
    EVP_PKEY_free(key);
}

int main(void) {
    qsh_ctx *ctx = qsh_ctx_new();
    CHECK(ctx != NULL);
    if (ctx == NULL) {
        return check_finish();
    }
    test_b64url();
    test_sign_verify(ctx);
    test_params(ctx);
    test_forge(ctx);
    qsh_ctx_free(ctx);
    return check_finish();
}
