/* Fuzz target: sign, then verify, over arbitrary claims.
 *
 * Input framing: the first 8 bytes give iat (now minus 0..65535 s) and exp (now plus 1..2^24
 * s); the rest is split at 0xFF bytes into iss, sub, aud and a context JSON text, passed as
 * pointer and length (NUL bytes included; an empty sub, aud or context is none).
 *
 * Properties: signing either fails with a documented status (claims that are not UTF-8 or
 * hold a NUL, a context that is not a JSON object, a token too large for the buffer) or gives
 * a token whose claims, decoded here (base64url and JSON, not the library's decoding), are
 * exactly the inputs: iss, sub, aud as a one-element array, the context's JSON, iat, exp, and
 * the qsh of the request it was signed for; the token verifies, with the key of its iss, for
 * that request (or, over QSH_MAX_TOKEN_LEN, is refused for its size); and it fails once its
 * signature changes: the first character (SIG_INVALID), the last one to another with the
 * same unused bits (SIG_INVALID) or with an unused bit set (B64_INVALID, as strict base64url
 * has one encoding per byte string). */
#include <jansson.h>
#include <stdint.h>

#include "fuzz_props.h"
#include "fuzz_token_fixture.h"

#define FIELD_CAP 8192

static qsh_ctx *ctx;
static const char *iss_seen;
static size_t iss_seen_len;

static qsh_status lookup_any(void *ud, int rs256, const char *iss, size_t iss_len, const char *kid,
                             size_t kid_len, const unsigned char **key, size_t *key_len) {
    (void)ud;
    (void)rs256;
    (void)kid;
    (void)kid_len;
    prop(iss_len == iss_seen_len && memcmp(iss, iss_seen, iss_len) == 0,
         "the verifier looked up another iss than the one signed");
    *key = (const unsigned char *)FX_SECRET;
    *key_len = strlen(FX_SECRET);
    return QSH_OK;
}

static int string_is(json_t *s, const char *p, size_t n) {
    return json_is_string(s) && json_string_length(s) == n &&
           memcmp(json_string_value(s), p, n) == 0;
}

/* The claims of token, decoded here, against what was signed. */
static void check_claims(const char *token, size_t n, const char *const f[4], const size_t len[4],
                         int64_t iat, int64_t exp) {
    static unsigned char body[FIELD_CAP * 8];
    const char *d1 = memchr(token, '.', n);
    const char *d2 = d1 ? memchr(d1 + 1, '.', (size_t)(token + n - d1 - 1)) : NULL;
    prop(d2 != NULL, "a signed token without three segments");
    size_t bn = fx_b64url(d1 + 1, (size_t)(d2 - d1 - 1), body, sizeof body);
    prop(bn != (size_t)-1, "signed claims that are not strict base64url");
    json_error_t je;
    json_t *c = json_loadb((const char *)body, bn, JSON_REJECT_DUPLICATES, &je);
    prop(json_is_object(c), "signed claims that are not a JSON object");
    json_t *aud = json_object_get(c, "aud"), *context = json_object_get(c, "context");
    prop(string_is(json_object_get(c, "iss"), f[0], len[0]), "the signed iss is not the input's");
    prop(len[1] > 0 ? string_is(json_object_get(c, "sub"), f[1], len[1])
                    : json_object_get(c, "sub") == NULL,
         "the signed sub is not the input's");
    prop(len[2] > 0 ? json_array_size(aud) == 1 && string_is(json_array_get(aud, 0), f[2], len[2])
                    : aud == NULL,
         "the signed aud is not the input's, as a one-element array");
    if (len[3] > 0) {
        json_t *want = json_loadb(f[3], len[3], JSON_REJECT_DUPLICATES, &je);
        prop(want != NULL && json_equal(want, context), "the signed context is not the input's");
        json_decref(want);
    } else {
        prop(context == NULL, "a context signed where none was given");
    }
    json_t *ji = json_object_get(c, "iat"), *jx = json_object_get(c, "exp");
    prop(json_is_integer(ji) && json_integer_value(ji) == iat && json_is_integer(jx) &&
             json_integer_value(jx) == exp,
         "the signed iat or exp is not the input's");
    prop(string_is(json_object_get(c, "qsh"), fx_qsh(), 64), "the signed qsh is not the request's");
    json_decref(c);
}

/* The value of a base64url character. */
static int b64_value(char c) {
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    return (int)(strchr(alphabet, c) - alphabet);
}

static char b64_char(int v) {
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    return alphabet[v & 63];
}

/* A changed signature must break the token: sig points into the header value p carries. */
static void check_changed_signature(qsh_verify_params *p, char *sig, size_t sig_len) {
    char first = sig[0], last = sig[sig_len - 1];
    sig[0] = first == 'A' ? 'B' : 'A'; /* the first character always carries six bits */
    prop(qsh_token_verify(ctx, p) == QSH_E_SIG_INVALID, "a changed signature still verifies");
    sig[0] = first;
    /* 32 bytes are 43 characters, the last carrying 4 bits and 2 unused ones (zero). */
    prop(sig_len == 43 && (b64_value(last) & 3) == 0, "an HS256 signature of another form");
    sig[sig_len - 1] = b64_char(b64_value(last) ^ 4);
    prop(qsh_token_verify(ctx, p) == QSH_E_SIG_INVALID,
         "a changed last signature character still verifies (or is not SIG_INVALID)");
    sig[sig_len - 1] = b64_char(b64_value(last) | 1);
    prop(qsh_token_verify(ctx, p) == QSH_E_B64_INVALID,
         "a changed last signature character with an unused bit set is not B64_INVALID");
    sig[sig_len - 1] = last;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char fields[4][FIELD_CAP], token[FIELD_CAP * 8], auth[FIELD_CAP * 8 + 8];
    if (size < 8 || size > FIELD_CAP) {
        return 0;
    }
    if (ctx == NULL && (ctx = qsh_ctx_new()) == NULL) {
        abort();
    }
    int64_t iat = FX_NOW - (int64_t)(data[0] | data[1] << 8);
    int64_t exp = FX_NOW + 1 + (int64_t)(data[2] | data[3] << 8 | data[4] << 16);
    size_t k = 0, len[4] = {0, 0, 0, 0};
    for (size_t i = 8; i < size && k < 4; i++) {
        if (data[i] == 0xFF) {
            k++;
        } else {
            fields[k][len[k]++] = (char)data[i];
        }
    }
    const char *f[4] = {fields[0], fields[1], fields[2], fields[3]};
    qsh_sign_params sp = {f[0],
                          len[0],
                          len[1] ? f[1] : NULL,
                          len[1],
                          len[2] ? f[2] : NULL,
                          len[2],
                          len[3] ? f[3] : NULL,
                          len[3],
                          iat,
                          exp,
                          NULL,
                          0,
                          fx_request(),
                          (const unsigned char *)FX_SECRET,
                          strlen(FX_SECRET)};
    size_t n = 0;
    qsh_status st = qsh_token_sign(ctx, &sp, token, sizeof token, &n);
    if (st != QSH_OK) {
        prop(st == QSH_E_UTF8_INVALID || st == QSH_E_JSON_INVALID || st == QSH_E_BUFFER_TOO_SMALL,
             "signing failed with an undocumented status");
        return 0;
    }
    prop(n == strlen(token), "token length");
    check_claims(token, n, f, len, iat, exp);
    iss_seen = f[0];
    iss_seen_len = len[0];
    qsh_verify_params p;
    memset(&p, 0, sizeof p);
    p.kind = QSH_KIND_MODULE;
    p.now = FX_NOW;
    p.request = fx_request();
    p.lookup = lookup_any;
    memcpy(auth, "JWT ", 4);
    memcpy(auth + 4, token, n);
    p.authorization = auth;
    p.authorization_len = n + 4;
    st = qsh_token_verify(ctx, &p);
    if (n > QSH_MAX_TOKEN_LEN) {
        prop(st == QSH_E_TOKEN_TOO_LARGE, "an oversized token was not refused for its size");
        return 0;
    }
    if (st != QSH_OK) {
        fprintf(stderr, "verify: %s\n", qsh_status_name(st));
    }
    prop(st == QSH_OK, "a token signed here does not verify");
    char *sig = auth + n + 4;
    while (sig[-1] != '.') {
        sig--;
    }
    check_changed_signature(&p, sig, (size_t)(auth + n + 4 - sig));
    return 0;
}
