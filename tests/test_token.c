/* Unit tests of the token code: strict base64url, sign then verify, and the parameter checks
 * of the verifier. The vectors (vectors/token_*.json) cover each rule; these cover the API. */
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

static void test_b64url(void) {
    unsigned char out[16];
    size_t n = 0;
    CHECK(qsh_b64url_decode("", 0, out, &n) == QSH_OK && n == 0);
    CHECK(qsh_b64url_decode("YQ", 2, out, &n) == QSH_OK && n == 1 && out[0] == 'a');
    CHECK(qsh_b64url_decode("YWI", 3, out, &n) == QSH_OK && n == 2 && memcmp(out, "ab", 2) == 0);
    CHECK(qsh_b64url_decode("YWJj", 4, out, &n) == QSH_OK && n == 3);
    CHECK(qsh_b64url_decode("-_-_", 4, out, &n) == QSH_OK && n == 3 && out[0] == 0xFB);
    CHECK(qsh_b64url_decode("YR", 2, out, &n) == QSH_E_B64_INVALID);   /* unused bits set */
    CHECK(qsh_b64url_decode("YWJ", 3, out, &n) == QSH_E_B64_INVALID);  /* unused bits set */
    CHECK(qsh_b64url_decode("Y", 1, out, &n) == QSH_E_B64_INVALID);    /* 4n + 1 */
    CHECK(qsh_b64url_decode("YQ==", 4, out, &n) == QSH_E_B64_INVALID); /* padding */
    CHECK(qsh_b64url_decode("+/+/", 4, out, &n) == QSH_E_B64_INVALID); /* standard alphabet */
    CHECK(qsh_b64url_decode("YW Jj", 5, out, &n) == QSH_E_B64_INVALID);
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
    qsh_sign_params sp = {
        "tenant",      "user", "client", NULL, 1000, 1180, NULL, req, (const unsigned char *)SECRET,
        strlen(SECRET)};
    char tok[2048], auth[2100];
    size_t n = 0;
    CHECK(qsh_token_sign(ctx, &sp, tok, sizeof tok, &n) == QSH_OK && n == strlen(tok));
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
    sp.qsh = "context-qsh";
    CHECK(qsh_token_sign(ctx, &sp, tok, sizeof tok, &n) == QSH_OK);
    snprintf(auth, sizeof auth, "JWT %s", tok);
    p.authorization_len = strlen(auth);
    CHECK(qsh_token_verify(ctx, &p) == QSH_E_QSH_CONTEXT_NOT_ALLOWED);
    p.kind = QSH_KIND_CONTEXT;
    CHECK(qsh_token_verify(ctx, &p) == QSH_OK);

    /* Claims that cannot be written as JSON. */
    sp.iss = "bad\xff";
    CHECK(qsh_token_sign(ctx, &sp, tok, sizeof tok, &n) == QSH_E_UTF8_INVALID);
    sp.iss = "tenant";
    sp.context_json = "[1]";
    CHECK(qsh_token_sign(ctx, &sp, tok, sizeof tok, &n) == QSH_E_JSON_INVALID);
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

int main(void) {
    qsh_ctx *ctx = qsh_ctx_new();
    CHECK(ctx != NULL);
    if (ctx == NULL) {
        return check_finish();
    }
    test_b64url();
    test_sign_verify(ctx);
    test_params(ctx);
    qsh_ctx_free(ctx);
    return check_finish();
}
