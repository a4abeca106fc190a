/* Fuzz target: sign, then verify, over arbitrary claims.
 *
 * Input framing: the first 8 bytes give iat (now minus 0..65535 s) and exp (now plus 1..2^24
 * s); the rest is split at 0xFF bytes into iss, sub, aud and a context JSON text. Properties:
 * signing either fails with a documented status (claims that are not UTF-8, a context that is
 * not a JSON object) or gives a token that verifies, with the key of its iss, for the request
 * it was signed for; and the same token fails once one byte of its signature changes. */
#include <stdint.h>

#include "fuzz_props.h"
#include "fuzz_token_fixture.h"

static qsh_ctx *ctx;
static const char *iss_seen;

static qsh_status lookup_any(void *ud, int rs256, const char *iss, size_t iss_len, const char *kid,
                             size_t kid_len, const unsigned char **key, size_t *key_len) {
    (void)ud;
    (void)rs256;
    (void)kid;
    (void)kid_len;
    prop(iss_len == strlen(iss_seen) && memcmp(iss, iss_seen, iss_len) == 0,
         "the verifier looked up another iss than the one signed");
    *key = (const unsigned char *)FX_SECRET;
    *key_len = strlen(FX_SECRET);
    return QSH_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char fields[4][2048], token[16384];
    if (size < 8 || size > 4096) {
        return 0;
    }
    if (ctx == NULL && (ctx = qsh_ctx_new()) == NULL) {
        abort();
    }
    int64_t iat = FX_NOW - (int64_t)(data[0] | data[1] << 8);
    int64_t exp = FX_NOW + 1 + (int64_t)(data[2] | data[3] << 8 | data[4] << 16);
    size_t k = 0, len = 0;
    memset(fields, 0, sizeof fields);
    for (size_t i = 8; i < size && k < 4; i++) {
        if (data[i] == 0xFF) {
            k++;
            len = 0;
        } else if (data[i] != 0 && len < sizeof fields[0] - 1) {
            fields[k][len++] = (char)data[i];
        }
    }
    qsh_sign_params sp = {fields[0],
                          strlen(fields[0]),
                          fields[1][0] ? fields[1] : NULL,
                          strlen(fields[1]),
                          fields[2][0] ? fields[2] : NULL,
                          strlen(fields[2]),
                          fields[3][0] ? fields[3] : NULL,
                          strlen(fields[3]),
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
    iss_seen = fields[0];
    qsh_verify_params p;
    memset(&p, 0, sizeof p);
    p.kind = QSH_KIND_MODULE;
    p.now = FX_NOW;
    p.request = fx_request();
    p.lookup = lookup_any;
    char auth[16400];
    snprintf(auth, sizeof auth, "JWT %s", token);
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
    /* One changed signature character must break it: change the first, which always carries
     * six signature bits. */
    char *sig = strrchr(auth, '.') + 1;
    *sig = *sig == 'A' ? 'B' : 'A';
    prop(qsh_token_verify(ctx, &p) == QSH_E_SIG_INVALID, "a changed signature still verifies");
    return 0;
}
