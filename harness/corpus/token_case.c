#include "corpus/token_case.h"

#include <string.h>

#include "corpus/request.h"

int qc_kind_parse(const char *s, size_t n, qsh_token_kind *out) {
    static const struct {
        const char *name;
        qsh_token_kind kind;
    } kinds[] = {{"module", QSH_KIND_MODULE},
                 {"webhook", QSH_KIND_WEBHOOK},
                 {"context", QSH_KIND_CONTEXT},
                 {"install", QSH_KIND_INSTALL},
                 {"app-to-product", QSH_KIND_APP_TO_PRODUCT},
                 {"lifecycle", QSH_KIND_LIFECYCLE},
                 {"forge-invocation", QSH_KIND_FORGE_INVOCATION}};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strlen(kinds[i].name) == n && memcmp(kinds[i].name, s, n) == 0) {
            *out = kinds[i].kind;
            return 0;
        }
    }
    return -1;
}

static json_t *get_n(json_t *obj, const char *key, size_t n) {
    char name[512];
    if (n >= sizeof name || memchr(key, '\0', n) != NULL) {
        return NULL;
    }
    memcpy(name, key, n);
    name[n] = '\0';
    return json_object_get(obj, name);
}

qsh_status qc_keyring_lookup(void *ud, int rs256, const char *iss, size_t iss_len, const char *kid,
                             size_t kid_len, const unsigned char **key, size_t *key_len) {
    qc_keyring *k = ud;
    json_t *v = rs256 ? get_n(k->public_keys, kid, kid_len) : get_n(k->secrets, iss, iss_len);
    if (!json_is_string(v)) {
        return rs256 ? QSH_E_KEY_UNKNOWN : QSH_E_ISS_UNKNOWN;
    }
    *key = (const unsigned char *)json_string_value(v);
    *key_len = json_string_length(v);
    return QSH_OK;
}

/* A member the case may lack, as the verifier takes it: pointer and length, NULL when absent. */
static void optional(int has, qc_str s, const char **p, size_t *n) {
    if (has) {
        *p = s.p;
        *n = s.n;
    }
}

qsh_status qc_verify_case(qsh_ctx *ctx, const qc_case *c) {
    qsh_verify_params p;
    qc_keyring ring = {c->secrets, c->public_keys};
    memset(&p, 0, sizeof p);
    if (qc_kind_parse(c->kind.p, c->kind.n, &p.kind) != 0) {
        return QSH_E_KIND_INVALID;
    }
    if (qc_request_from_case(c, &p.request) != 0) {
        return QSH_E_PROFILE_INVALID;
    }
    p.now = c->now;
    p.leeway = c->leeway;
    optional(c->has_authorization, c->authorization, &p.authorization, &p.authorization_len);
    optional(c->has_audience, c->audience, &p.audience, &p.audience_len);
    optional(c->has_client_key, c->client_key, &p.client_key, &p.client_key_len);
    optional(c->has_jwks, c->jwks, &p.jwks, &p.jwks_len);
    optional(c->has_app_id, c->app_id, &p.app_id, &p.app_id_len);
    optional(c->has_subject, c->subject, &p.subject, &p.subject_len);
    p.lookup = qc_keyring_lookup;
    p.lookup_ud = &ring;
    return qsh_token_verify(ctx, &p);
}
