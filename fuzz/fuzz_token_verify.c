/* Fuzz target: token verification against a fixed key, clock and request.
 *
 * Input framing: byte 0 selects the endpoint kind (mod 5) and bit 7 the carriage (set: the
 * Authorization header, "JWT " + the rest; clear: the jwt query parameter, the rest
 * percent-encoded so that it arrives as given). Properties: the verdict is a documented
 * status; the verifier never accepts a token whose signature does not match: an accepted
 * HS256 token is re-signed here with libcrypto's HMAC and must carry exactly that MAC. */
#include <openssl/hmac.h>
#include <stdint.h>

#include "fuzz_props.h"
#include "fuzz_token_fixture.h"

static qsh_ctx *ctx;

static size_t b64d(const char *s, size_t n, unsigned char *out, size_t cap) {
    size_t len = 0;
    return qsh_b64url_decode(s, n, out, cap, &len) == QSH_OK ? len : (size_t)-1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char target[3 * 9000 + 128], auth[9000];
    if (size < 1 || size > 8300) {
        return 0;
    }
    if (ctx == NULL && (ctx = qsh_ctx_new()) == NULL) {
        abort();
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
    if (st == QSH_OK && p.kind != QSH_KIND_INSTALL) {
        /* Re-sign: the accepted token's MAC must be HMAC-SHA256 of its first two segments. */
        const char *d2 = NULL;
        for (size_t i = tok_len; i-- > 0;) {
            if (tok[i] == '.') {
                d2 = tok + i;
                break;
            }
        }
        prop(d2 != NULL, "accepted a token without segments");
        unsigned char sig[64], md[32];
        unsigned int md_len = 0;
        size_t sig_len = b64d(d2 + 1, tok_len - (size_t)(d2 + 1 - tok), sig, sizeof sig);
        HMAC(EVP_sha256(), FX_SECRET, (int)strlen(FX_SECRET), (const unsigned char *)tok,
             (size_t)(d2 - tok), md, &md_len);
        prop(sig_len == 32 && md_len == 32 && memcmp(sig, md, 32) == 0,
             "accepted a token whose signature does not match");
    }
    return 0;
}
