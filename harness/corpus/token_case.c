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
    if (c->has_authorization) {
        p.authorization = c->authorization.p;
        p.authorization_len = c->authorization.n;
    }
    if (c->has_audience) {
        p.audience = c->audience.p;
        p.audience_len = c->audience.n;
    }
    if (c->has_client_key) {
        p.client_key = c->client_key.p;
        p.client_key_len = c->client_key.n;
    }
    if (c->has_jwks) {
        p.jwks = c->jwks.p;
        p.jwks_len = c->jwks.n;
    }
    if (c->has_app_id) {
        p.app_id = c->app_id.p;
        p.app_id_len = c->app_id.n;
    }
    if (c->has_subject) {
        p.subject = c->subject.p;
        p.subject_len = c->subject.n;
    }
    p.lookup = qc_keyring_lookup;
    p.lookup_ud = &ring;
    return qsh_token_verify(ctx, &p);
}
