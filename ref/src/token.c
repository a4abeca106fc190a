/* Connect JWT verification and HS256 signing. See qsh/token.h for the rules and their order. */
#include "qsh/token.h"

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#include "b64url.h"
#include "cursor.h"
#include "jwks.h"
#include "pct.h"
#include "utf8.h"

#define CONTEXT_QSH "context-qsh"
#define FIT_ISS "forge/invocation-token"
#define FIT_ARI_PREFIX "ari:cloud:ecosystem::app/"
#define FIT_ARI_PREFIX_LEN (sizeof FIT_ARI_PREFIX - 1)

typedef struct parsed {
    qsh_cur token;      /* the compact token */
    size_t signed_len;  /* header.claims */
    unsigned char *buf; /* decoded header, claims and signature, one allocation */
    unsigned char *hdr, *clm, *sig;
    size_t hdr_len, clm_len, sig_len;
    json_t *header, *claims;
} parsed;

/* The jwt parameter of a query: 0 none, 1 one (its value in *val), 2 more than one. */
static int jwt_param(qsh_cur query, qsh_cur *val) {
    int found, count = 0;
    while (!cur_eof(query)) {
        qsh_cur piece = cur_split(&query, '&', &found);
        qsh_cur name = cur_split(&piece, '=', &found);
        unsigned char dec[16];
        size_t n;
        if (cur_len(name) > sizeof dec || pct_decode(name, 1, dec, &n) != QSH_OK) {
            continue;
        }
        if (n == 3 && memcmp(dec, "jwt", 3) == 0) {
            count++;
            *val = piece;
        }
    }
    return count > 2 ? 2 : count;
}

/* A Forge Invocation Token travels only as "Authorization: Bearer <token>". */
static qsh_status bearer_carriage(const qsh_verify_params *p, char *tok, size_t *tok_len) {
    if (p->authorization == NULL) {
        return QSH_E_CARRIAGE_MISSING;
    }
    qsh_cur header = cur_input(p->authorization, p->authorization_len);
    if (cur_len(header) < 8 || memcmp(header.p, "Bearer ", 7) != 0 ||
        cur_find(cur_tail(header, 7), ' ') < cur_len(header) - 7 ||
        cur_find(cur_tail(header, 7), '=') < cur_len(header) - 7) {
        return QSH_E_CARRIAGE_SCHEME;
    }
    header = cur_tail(header, 7);
    if (cur_len(header) > QSH_MAX_TOKEN_LEN) {
        return QSH_E_TOKEN_TOO_LARGE;
    }
    memcpy(tok, header.p, cur_len(header));
    *tok_len = cur_len(header);
    return QSH_OK;
}

static qsh_status carriage(const qsh_verify_params *p, char *tok, size_t *tok_len) {
    qsh_cur header = {0}, param = {0};
    if (p->kind == QSH_KIND_FORGE_INVOCATION) {
        return bearer_carriage(p, tok, tok_len);
    }
    int has_header = p->authorization != NULL;
    if (has_header) {
        header = cur_input(p->authorization, p->authorization_len);
        /* No '=' either: "JWT token=<jwt>" (an auth-param, sent by one Python client) is not
         * the format, and a compact token never holds one. */
        if (cur_len(header) < 5 || memcmp(header.p, "JWT ", 4) != 0 ||
            cur_find(cur_tail(header, 4), ' ') < cur_len(header) - 4 ||
            cur_find(cur_tail(header, 4), '=') < cur_len(header) - 4) {
            return QSH_E_CARRIAGE_SCHEME;
        }
        header = cur_tail(header, 4);
    }
    qsh_cur target = cur_input(p->request.target, p->request.target_len);
    target = cur_head(target, cur_find(target, '#'));
    size_t q = cur_find(target, '?');
    int n = q < cur_len(target) ? jwt_param(cur_tail(target, q + 1), &param) : 0;
    if ((has_header && n > 0) || n > 1) {
        return QSH_E_CARRIAGE_AMBIGUOUS;
    }
    if (!has_header && n == 0) {
        return QSH_E_CARRIAGE_MISSING;
    }
    if (!has_header && p->kind == QSH_KIND_APP_TO_PRODUCT) {
        return QSH_E_CARRIAGE_QUERY_NOT_ALLOWED; /* the products answer 401 since 2022-02-01 */
    }
    qsh_cur src = has_header ? header : param;
    if (cur_len(src) > QSH_MAX_TOKEN_LEN) {
        return QSH_E_TOKEN_TOO_LARGE;
    }
    if (has_header) {
        memcpy(tok, src.p, cur_len(src));
        *tok_len = cur_len(src);
        return QSH_OK;
    }
    /* A query value is form-decoded, as the server's parameter map does. */
    if (pct_decode(src, 1, (unsigned char *)tok, tok_len) != QSH_OK) {
        return QSH_E_B64_INVALID;
    }
    return QSH_OK;
}

static qsh_status parse_json(const unsigned char *b, size_t n, json_t **out) {
    json_error_t je;
    *out = json_loadb((const char *)b, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    if (*out == NULL) {
        switch (json_error_code(&je)) {
        case json_error_duplicate_key:
            return QSH_E_JSON_DUP_MEMBER;
        case json_error_stack_overflow:
            return QSH_E_JSON_TOO_DEEP;
        default:
            return QSH_E_JSON_INVALID;
        }
    }
    if (!json_is_object(*out)) {
        return QSH_E_JSON_NOT_OBJECT;
    }
    return json_nesting(*out) > QSH_MAX_JSON_DEPTH ? QSH_E_JSON_TOO_DEEP : QSH_OK;
}

/* Steps 2 and 3: three base64url segments, then two JSON objects. */
static qsh_status parse_token(const char *tok, size_t n, parsed *t) {
    const char *d1 = memchr(tok, '.', n);
    const char *d2 = d1 ? memchr(d1 + 1, '.', n - (size_t)(d1 + 1 - tok)) : NULL;
    if (d2 == NULL || memchr(d2 + 1, '.', n - (size_t)(d2 + 1 - tok)) != NULL) {
        return QSH_E_SEGMENTS;
    }
    size_t l1 = (size_t)(d1 - tok), l2 = (size_t)(d2 - d1 - 1), l3 = n - (size_t)(d2 + 1 - tok);
    t->signed_len = (size_t)(d2 - tok);
    t->buf = malloc(n + 3);
    if (t->buf == NULL) {
        return QSH_E_NO_MEMORY;
    }
    t->hdr = t->buf;
    if (qsh_b64url_decode(tok, l1, t->hdr, n + 3, &t->hdr_len) != QSH_OK) {
        return QSH_E_B64_INVALID;
    }
    t->clm = t->hdr + t->hdr_len;
    if (qsh_b64url_decode(d1 + 1, l2, t->clm, n + 3 - t->hdr_len, &t->clm_len) != QSH_OK) {
        return QSH_E_B64_INVALID;
    }
    t->sig = t->clm + t->clm_len;
    if (qsh_b64url_decode(d2 + 1, l3, t->sig, n + 3 - t->hdr_len - t->clm_len, &t->sig_len) !=
        QSH_OK) {
        return QSH_E_B64_INVALID;
    }
    qsh_status st = parse_json(t->hdr, t->hdr_len, &t->header);
    return st != QSH_OK ? st : parse_json(t->clm, t->clm_len, &t->claims);
}

static int str_is(json_t *j, const char *lit) {
    size_t n = strlen(lit);
    return json_is_string(j) && json_string_length(j) == n &&
           memcmp(json_string_value(j), lit, n) == 0;
}

static int kid_ok(json_t *kid) {
    if (!json_is_string(kid) || json_string_length(kid) == 0 ||
        json_string_length(kid) > QSH_MAX_KID_LEN) {
        return 0;
    }
    const char *s = json_string_value(kid);
    for (size_t i = 0; i < json_string_length(kid); i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-')) {
            return 0;
        }
    }
    return strstr(s, "..") == NULL; /* no path traversal through a key store */
}

static int is_rs256(const qsh_verify_params *p) {
    return p->kind == QSH_KIND_INSTALL || p->kind == QSH_KIND_FORGE_INVOCATION;
}

static qsh_status check_header(const qsh_verify_params *p, json_t *h) {
    int rs256 = is_rs256(p);
    if (!str_is(json_object_get(h, "alg"), rs256 ? "RS256" : "HS256")) {
        return QSH_E_ALG_NOT_ALLOWED;
    }
    if (json_object_get(h, "crit") != NULL) {
        return QSH_E_CRIT_UNSUPPORTED;
    }
    json_t *kid = json_object_get(h, "kid");
    if ((rs256 || kid != NULL) && !kid_ok(kid)) {
        return QSH_E_KID_INVALID;
    }
    return QSH_OK; /* jku, jwk, x5u and x5c are never read */
}

/* RS256 with the key exactly: the signature exactly the key's size (no leading zeros dropped,
 * nothing appended). */
static qsh_status rs256_verify(EVP_PKEY *pkey, const char *tok, const parsed *t) {
    qsh_status st = QSH_E_SIG_INVALID;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md != NULL && t->sig_len == (size_t)EVP_PKEY_get_size(pkey) &&
        EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pkey) == 1 &&
        EVP_DigestVerify(md, t->sig, t->sig_len, (const unsigned char *)tok, t->signed_len) == 1) {
        st = QSH_OK;
    }
    EVP_MD_CTX_free(md);
    return st;
}

static qsh_status check_signature(const qsh_verify_params *p, const char *tok, parsed *t) {
    int rs256 = is_rs256(p);
    json_t *iss = json_object_get(t->claims, "iss");
    json_t *kid = json_object_get(t->header, "kid");
    if (p->kind == QSH_KIND_FORGE_INVOCATION) { /* the caller's JWKS, by kid, and nothing else */
        EVP_PKEY *pkey = NULL;
        qsh_status st = jwks_rsa_key(p->jwks, p->jwks_len, json_string_value(kid),
                                     json_string_length(kid), &pkey);
        if (st == QSH_OK) {
            st = rs256_verify(pkey, tok, t);
        }
        EVP_PKEY_free(pkey);
        return st;
    }
    if (!rs256 && !json_is_string(iss)) {
        return QSH_E_ISS_MISSING;
    }
    const unsigned char *key = NULL;
    size_t key_len = 0;
    qsh_status st =
        p->lookup(p->lookup_ud, rs256, json_is_string(iss) ? json_string_value(iss) : "",
                  json_is_string(iss) ? json_string_length(iss) : 0,
                  json_is_string(kid) ? json_string_value(kid) : "",
                  json_is_string(kid) ? json_string_length(kid) : 0, &key, &key_len);
    if (st != QSH_OK) {
        return rs256 ? QSH_E_KEY_UNKNOWN : QSH_E_ISS_UNKNOWN;
    }
    if (!rs256) {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int md_len = 0;
        if (key_len > (size_t)INT32_MAX ||
            HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)tok, t->signed_len, md,
                 &md_len) == NULL) {
            return QSH_E_CRYPTO;
        }
        int ok = t->sig_len == md_len && CRYPTO_memcmp(t->sig, md, md_len) == 0;
        OPENSSL_cleanse(md, sizeof md);
        return ok ? QSH_OK : QSH_E_SIG_INVALID;
    }
    BIO *bio = BIO_new_mem_buf(key, key_len > (size_t)INT32_MAX ? -1 : (int)key_len);
    EVP_PKEY *pkey = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    if (pkey == NULL || EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
        EVP_PKEY_free(pkey);
        return QSH_E_KEY_INVALID;
    }
    st = rs256_verify(pkey, tok, t);
    EVP_PKEY_free(pkey);
    return st;
}

/* A NumericDate claim: 1 when present and a non-negative integer, 0 when absent, -1 when it is
 * of another type. */
static int numeric_date(json_t *claims, const char *name, int64_t *out) {
    json_t *v = json_object_get(claims, name);
    if (v == NULL) {
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        return -1;
    }
    *out = (int64_t)json_integer_value(v);
    return 1;
}

/* The expected aud of a Forge Invocation Token: the app's ARI, from a bare id or the ARI. */
static size_t fit_audience(const qsh_verify_params *p, char *out) {
    size_t n = 0;
    if (p->app_id_len < FIT_ARI_PREFIX_LEN ||
        memcmp(p->app_id, FIT_ARI_PREFIX, FIT_ARI_PREFIX_LEN) != 0) {
        memcpy(out, FIT_ARI_PREFIX, FIT_ARI_PREFIX_LEN);
        n = FIT_ARI_PREFIX_LEN;
    }
    memcpy(out + n, p->app_id, p->app_id_len);
    return n + p->app_id_len;
}

/* The Forge claims after the time claims and aud: iss, then app. */
static qsh_status check_fit_claims(json_t *c, const char *ari, size_t ari_len) {
    if (!str_is(json_object_get(c, "iss"), FIT_ISS)) {
        return QSH_E_FIT_ISS_INVALID;
    }
    json_t *app = json_object_get(c, "app"), *id = json_object_get(app, "id");
    if (!json_is_object(app) || !json_is_string(json_object_get(app, "installationId")) ||
        !json_is_string(json_object_get(app, "apiBaseUrl")) ||
        (id != NULL && !(json_is_string(id) && json_string_length(id) == ari_len &&
                         memcmp(json_string_value(id), ari, ari_len) == 0))) {
        return QSH_E_FIT_APP_INVALID;
    }
    return QSH_OK;
}

static qsh_status check_claims(const qsh_verify_params *p, json_t *c) {
    int64_t exp = 0, iat = 0, nbf = 0;
    int e = numeric_date(c, "exp", &exp), i = numeric_date(c, "iat", &iat);
    int n = numeric_date(c, "nbf", &nbf);
    if (e == 0) {
        return QSH_E_EXP_MISSING;
    }
    if (e < 0) {
        return QSH_E_EXP_TYPE;
    }
    if (i == 0) {
        return QSH_E_IAT_MISSING;
    }
    if (i < 0) {
        return QSH_E_IAT_TYPE;
    }
    if (n < 0) {
        return QSH_E_NBF_TYPE;
    }
    /* now >= 0, 0 <= leeway <= 86400 and dates >= 0: none of these can overflow. */
#ifndef QSHCHECK_MUTANT_TOKEN_EXP /* a planted bug for the fuzz mutation check: exp unread */
    if (p->now - p->leeway >= exp) {
        return QSH_E_EXP_EXPIRED;
    }
#endif
    if (iat - p->leeway > p->now) {
        return QSH_E_IAT_IN_FUTURE;
    }
    if (n > 0 && nbf - p->leeway > p->now) {
        return QSH_E_NBF_NOT_YET;
    }
    if (exp <= iat) {
        return QSH_E_EXP_BEFORE_IAT;
    }
    char ari[FIT_ARI_PREFIX_LEN + QSH_MAX_APP_ID_LEN];
    const char *audience = p->audience;
    size_t audience_len = p->audience_len;
    if (p->kind == QSH_KIND_FORGE_INVOCATION) {
        audience = ari;
        audience_len = fit_audience(p, ari);
    }
    if (audience != NULL) {
        json_t *aud = json_object_get(c, "aud"), *a;
        size_t k;
        int ok = 0;
        if (aud == NULL) {
            return QSH_E_AUD_MISSING;
        }
        if (json_is_string(aud)) {
            ok = json_string_length(aud) == audience_len &&
                 memcmp(json_string_value(aud), audience, audience_len) == 0;
        }
        json_array_foreach(aud, k, a) {
            ok |= json_is_string(a) && json_string_length(a) == audience_len &&
                  memcmp(json_string_value(a), audience, audience_len) == 0;
        }
        if (!ok) {
            return QSH_E_AUD_MISMATCH;
        }
    }
    if (p->kind == QSH_KIND_INSTALL || (p->kind == QSH_KIND_LIFECYCLE && p->client_key != NULL)) {
        json_t *iss = json_object_get(c, "iss");
        if (!json_is_string(iss) || json_string_length(iss) != p->client_key_len ||
            memcmp(json_string_value(iss), p->client_key, p->client_key_len) != 0) {
            return QSH_E_ISS_MISMATCH;
        }
    }
    if (p->subject != NULL) {
        json_t *sub = json_object_get(c, "sub");
        if (!json_is_string(sub) || json_string_length(sub) != p->subject_len ||
            memcmp(json_string_value(sub), p->subject, p->subject_len) != 0) {
            return QSH_E_SUB_MISMATCH;
        }
    }
    if (p->kind == QSH_KIND_FORGE_INVOCATION) {
        return check_fit_claims(c, audience, audience_len);
    }
    return QSH_OK;
}

static qsh_status check_qsh(qsh_ctx *ctx, const qsh_verify_params *p, json_t *c) {
    json_t *q = json_object_get(c, "qsh");
    if (q == NULL) {
        return QSH_E_QSH_MISSING;
    }
    if (str_is(q, CONTEXT_QSH)) {
        return p->kind == QSH_KIND_CONTEXT ? QSH_OK : QSH_E_QSH_CONTEXT_NOT_ALLOWED;
    }
    if (!json_is_string(q) || json_string_length(q) != QSH_HEX_LEN) {
        return QSH_E_QSH_TYPE;
    }
    const char *s = json_string_value(q);
    for (size_t i = 0; i < QSH_HEX_LEN; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return QSH_E_QSH_TYPE;
        }
    }
    char hex[QSH_HEX_SIZE];
    if (qsh_compute(ctx, &p->request, hex) != QSH_OK) {
        return QSH_E_REQUEST_INVALID;
    }
    return memcmp(hex, s, QSH_HEX_LEN) == 0 ? QSH_OK : QSH_E_QSH_MISMATCH;
}

qsh_status qsh_token_verify(qsh_ctx *ctx, const qsh_verify_params *p) {
    if (ctx == NULL || p == NULL || (p->lookup == NULL && p->kind != QSH_KIND_FORGE_INVOCATION) ||
        (p->authorization == NULL && p->authorization_len > 0) ||
        (p->subject == NULL && p->subject_len > 0)) {
        return QSH_E_NULL_ARG;
    }
    if ((unsigned)p->kind > QSH_KIND_FORGE_INVOCATION || p->now < 0 || p->leeway < 0 ||
        (p->kind == QSH_KIND_FORGE_INVOCATION &&
         (p->jwks == NULL || p->app_id == NULL || p->app_id_len == 0 ||
          p->app_id_len > QSH_MAX_APP_ID_LEN)) ||
        p->leeway > 86400 ||
        (p->kind == QSH_KIND_INSTALL && (p->audience == NULL || p->client_key == NULL))) {
        return QSH_E_KIND_INVALID;
    }
    char tok[QSH_MAX_TOKEN_LEN + 1];
    size_t n = 0;
    parsed t;
    memset(&t, 0, sizeof t);
    qsh_status st = carriage(p, tok, &n);
    if (st == QSH_OK) {
        st = parse_token(tok, n, &t);
    }
    if (st == QSH_OK) {
        st = check_header(p, t.header);
    }
    if (st == QSH_OK) {
        st = check_signature(p, tok, &t);
    }
    if (st == QSH_OK) {
        st = check_claims(p, t.claims);
    }
    if (st == QSH_OK && p->kind != QSH_KIND_FORGE_INVOCATION) {
        st = check_qsh(ctx, p, t.claims);
    }
    json_decref(t.header);
    json_decref(t.claims);
    free(t.buf);
    return st;
}

qsh_status qsh_token_sign(qsh_ctx *ctx, const qsh_sign_params *p, char *out, size_t cap,
                          size_t *len) {
    static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    char hex[QSH_HEX_SIZE];
    if (ctx == NULL || p == NULL || out == NULL || len == NULL || p->iss == NULL ||
        (p->secret == NULL && p->secret_len > 0)) {
        return QSH_E_NULL_ARG;
    }
    const char *strs[] = {p->iss, p->sub, p->aud, p->qsh};
    const size_t lens[] = {p->iss_len, p->sub_len, p->aud_len, p->qsh_len};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        if (strs[i] == NULL && lens[i] > 0) {
            return QSH_E_NULL_ARG;
        }
    }
    if (p->context_json == NULL && p->context_json_len > 0) {
        return QSH_E_NULL_ARG;
    }
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        if (strs[i] != NULL && !utf8_valid((const unsigned char *)strs[i], lens[i])) {
            return QSH_E_UTF8_INVALID; /* JSON strings are UTF-8 */
        }
    }
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        if (strs[i] != NULL && memchr(strs[i], '\0', lens[i]) != NULL) {
            return QSH_E_JSON_INVALID; /* the verifier rejects a NUL in the claims */
        }
    }
    const char *qsh = p->qsh;
    size_t qsh_len = p->qsh_len;
    if (qsh == NULL) {
        qsh_status st = qsh_compute(ctx, &p->request, hex);
        if (st != QSH_OK) {
            return st;
        }
        qsh = hex;
        qsh_len = QSH_HEX_LEN;
    }
    json_t *claims = json_pack("{s:s%, s:I, s:I, s:s%}", "iss", p->iss, p->iss_len, "iat",
                               (json_int_t)p->iat, "exp", (json_int_t)p->exp, "qsh", qsh, qsh_len);
    if (claims != NULL && p->sub != NULL) {
        json_object_set_new(claims, "sub", json_stringn(p->sub, p->sub_len));
    }
    if (claims != NULL && p->aud != NULL) {
        json_object_set_new(claims, "aud", json_pack("[s%]", p->aud, p->aud_len));
    }
    if (claims != NULL && p->context_json != NULL) {
        json_error_t je;
        json_t *context =
            json_loadb(p->context_json, p->context_json_len, JSON_REJECT_DUPLICATES, &je);
        if (!json_is_object(context)) {
            json_decref(context);
            json_decref(claims);
            return QSH_E_JSON_INVALID;
        }
        json_object_set_new(claims, "context", context);
    }
    /* The verifier refuses claims nested deeper than the limit: never sign what it refuses. */
    if (claims != NULL && json_nesting(claims) > QSH_MAX_JSON_DEPTH) {
        json_decref(claims);
        return QSH_E_JSON_TOO_DEEP;
    }
    char *text = claims ? json_dumps(claims, JSON_COMPACT) : NULL;
    json_decref(claims);
    if (text == NULL) {
        return QSH_E_NO_MEMORY;
    }
    size_t tl = strlen(text), hl = sizeof header - 1;
    size_t need = (hl + 2) / 3 * 4 + 1 + (tl + 2) / 3 * 4 + 1 + 44 + 1;
    if (cap < need) {
        free(text);
        return QSH_E_BUFFER_TOO_SMALL;
    }
    size_t o = b64url_encode((const unsigned char *)header, hl, out);
    out[o++] = '.';
    o += b64url_encode((const unsigned char *)text, tl, out + o);
    free(text);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (p->secret_len > (size_t)INT32_MAX ||
        HMAC(EVP_sha256(), p->secret, (int)p->secret_len, (const unsigned char *)out, o, md,
             &md_len) == NULL) {
        return QSH_E_CRYPTO;
    }
    out[o++] = '.';
    o += b64url_encode(md, md_len, out + o);
    out[o] = '\0';
    *len = o;
    return QSH_OK;
}

qsh_status qsh_token_sign_rs256(const char *kid, size_t kid_len, const char *claims_json,
                                size_t claims_json_len, const unsigned char *pem, size_t pem_len,
                                char *out, size_t cap, size_t *len) {
    if (kid == NULL || claims_json == NULL || pem == NULL || out == NULL || len == NULL) {
        return QSH_E_NULL_ARG;
    }
    json_t *kid_j = json_stringn(kid, kid_len);
    int kid_good = kid_j != NULL && kid_ok(kid_j);
    json_error_t je;
    json_t *claims = json_loadb(claims_json, claims_json_len, JSON_REJECT_DUPLICATES, &je);
    json_t *header =
        kid_good ? json_pack("{s:s, s:O, s:s}", "alg", "RS256", "kid", kid_j, "typ", "JWT") : NULL;
    json_decref(kid_j);
    char *htext = header ? json_dumps(header, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    char *ctext =
        json_is_object(claims) ? json_dumps(claims, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(header);
    json_decref(claims);
    BIO *bio = pem_len <= (size_t)INT32_MAX ? BIO_new_mem_buf(pem, (int)pem_len) : NULL;
    EVP_PKEY *pkey = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    qsh_status st = !kid_good       ? QSH_E_KID_INVALID
                    : htext == NULL ? QSH_E_NO_MEMORY
                    : ctext == NULL ? QSH_E_JSON_INVALID
                    : pkey == NULL || EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA ? QSH_E_KEY_INVALID
                                                                                 : QSH_OK;
    if (st == QSH_OK) {
        size_t hl = strlen(htext), cl = strlen(ctext), sl = (size_t)EVP_PKEY_get_size(pkey);
        size_t need = (hl + 2) / 3 * 4 + 1 + (cl + 2) / 3 * 4 + 1 + (sl + 2) / 3 * 4 + 1;
        unsigned char *sig = malloc(sl);
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        size_t o = 0;
        if (cap < need) {
            st = QSH_E_BUFFER_TOO_SMALL;
        } else if (sig == NULL || md == NULL) {
            st = QSH_E_NO_MEMORY;
        } else {
            o = b64url_encode((const unsigned char *)htext, hl, out);
            out[o++] = '.';
            o += b64url_encode((const unsigned char *)ctext, cl, out + o);
            if (EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pkey) != 1 ||
                EVP_DigestSign(md, sig, &sl, (const unsigned char *)out, o) != 1) {
                st = QSH_E_CRYPTO;
            } else {
                out[o++] = '.';
                o += b64url_encode(sig, sl, out + o);
                out[o] = '\0';
                *len = o;
            }
        }
        EVP_MD_CTX_free(md);
        free(sig);
    }
    EVP_PKEY_free(pkey);
    free(htext);
    free(ctext);
    return st;
}
