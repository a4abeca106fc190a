#include "probe/plan.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus/vectors.h"
#include "probe/jwt.h"
#include "probe/queries.h"
#include "qsh/qsh.h"

enum { TOKEN_TTL = 180, SKEW = 3600 };

static const char other_tenant[] = "qshcheck-probe-other-tenant";
static const char other_secret[] = "qshcheck-probe-secret-of-another-tenant";

int qc_route_kind_parse(const char *s, size_t n, qc_route_kind *out) {
    static const char *const names[] = {"module", "webhook", "lifecycle", "context"};
    for (size_t k = 0; k < 4; k++) {
        if (strlen(names[k]) == n && memcmp(names[k], s, n) == 0) {
            *out = (qc_route_kind)k;
            return 0;
        }
    }
    return -1;
}

const char *qc_route_kind_name(qc_route_kind k) {
    static const char *const names[] = {"module", "webhook", "lifecycle", "context"};
    return names[k];
}

/* Frees what one planned request holds. */
static void req_free(qc_probe_req *q) {
    free(q->label);
    free(q->method);
    free(q->url);
    free(q->target);
    free(q->authorization);
    free(q->body);
}

static char *concat3(const char *a, const char *b, const char *c) {
    size_t na = strlen(a), nb = strlen(b), nc = strlen(c);
    char *d = malloc(na + nb + nc + 1);
    if (d != NULL) {
        memcpy(d, a, na);
        memcpy(d + na, b, nb);
        memcpy(d + na + nb, c, nc + 1);
    }
    return d;
}

/* Splits an http(s) URL into its origin with a '/' (what curl connects to) and its target. */
static int split_url(const char *url, char **origin, char **target, char *err, size_t errcap) {
    size_t skip = strncmp(url, "http://", 7) == 0 ? 7 : strncmp(url, "https://", 8) == 0 ? 8 : 0;
    size_t n = strlen(url);
    if (skip == 0 || !qc_probe_on_the_wire(url, n)) {
        snprintf(err, errcap,
                 "a route URL must be http:// or https://, printable ASCII, "
                 "without a fragment");
        return -1;
    }
    size_t auth_end = skip + strcspn(url + skip, "/?");
    if (auth_end == skip) {
        snprintf(err, errcap, "route URL '%s' has no host", url);
        return -1;
    }
    *origin = malloc(auth_end + 2);
    *target = malloc(n - auth_end + 2);
    if (*origin == NULL || *target == NULL) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    memcpy(*origin, url, auth_end);
    memcpy(*origin + auth_end, "/", 2);
    const char *rest = url + auth_end;
    snprintf(*target, n - auth_end + 2, "%s%s", rest[0] == '/' ? "" : "/", rest);
    return 0;
}

/* How one token is made. */
typedef struct token_spec {
    const char *alg; /* "HS256", "RS256" or "none" */
    const char *qsh; /* NULL: no qsh claim */
    const char *iss;
    int64_t iat, exp;
    const char *secret;        /* HS256: the key; NULL: no signature */
    const char *kid;           /* NULL: none */
    const char *aud;           /* NULL: none; written as a one-element array */
    const qc_probe_keys *keys; /* RS256 */
    int attacker;              /* RS256 by the attacker's key */
} token_spec;

static char *make_token(const token_spec *t) {
    json_t *h = json_pack("{s:s, s:s}", "alg", t->alg, "typ", "JWT");
    json_t *c = json_pack("{s:s, s:s, s:I, s:I}", "iss", t->iss, "sub", "qshcheck-probe-user",
                          "iat", (json_int_t)t->iat, "exp", (json_int_t)t->exp);
    char *tok = NULL;
    int bad = h == NULL || c == NULL;
    bad = bad || (t->kid && json_object_set_new(h, "kid", json_string(t->kid)) != 0);
    bad = bad || (t->aud && json_object_set_new(c, "aud", json_pack("[s]", t->aud)) != 0);
    bad = bad || (t->qsh && json_object_set_new(c, "qsh", json_string(t->qsh)) != 0);
    if (!bad && strcmp(t->alg, "RS256") == 0) {
        tok = qc_jwt_encode_rs256(h, c, t->keys, t->attacker);
    } else if (!bad) {
        tok = qc_jwt_encode(h, c, (const unsigned char *)t->secret,
                            t->secret ? strlen(t->secret) : 0);
    }
    json_decref(h);
    json_decref(c);
    return tok;
}

/* One route's fixed parts while its requests are built. */
typedef struct route_ctx {
    qc_probe_plan *plan;
    const qc_probe_config *cfg;
    size_t route;
    qc_route_kind kind;
    char *origin, *target; /* the route's */
    const char *method;
    char *body;
    const char *content_type;
    qsh_ctx *qsh;
    char *err;
    size_t errcap;
    int bad_input; /* the failure is the route's, not the machine's */
    int signed_install;
    char *aud; /* the app's baseUrl, without a trailing '/' */
} route_ctx;

/* The app's baseUrl: the base of every qsh, and the aud of signed installs. */
static void app_base(const route_ctx *r, const char **base, size_t *len) {
    *base = r->cfg->base_url ? r->cfg->base_url : r->origin;
    *len = strlen(*base);
    if (*len > 0 && (*base)[*len - 1] == '/') {
        (*len)--; /* the origin with its '/' is the same base as without */
    }
}

static int qsh_of(route_ctx *r, const char *method, const char *target, char hex[QSH_HEX_SIZE]) {
    const char *base;
    size_t base_len;
    app_base(r, &base, &base_len);
    qsh_request req = {
        method, strlen(method), target, strlen(target), base, base_len, QSH_PROFILE_PRODUCT, NULL,
        0,      NULL,           0};
    qsh_status st = qsh_compute(r->qsh, &req, hex);
    if (st != QSH_OK) {
        snprintf(r->err, r->errcap, "cannot hash %s %s with base URL %.*s: %s", method, target,
                 (int)base_len, base, qsh_status_message(st));
        r->bad_input = 1;
        return -1;
    }
    return 0;
}

/* Adds a request carrying token in the route's carrier, and `second` (if not NULL) in the
 * other one. Takes the tokens. */
static int add(route_ctx *r, int attack, const char *label, const char *target, char *token,
               char *second) {
    qc_probe_plan *p = r->plan;
    int rc = -1;
    if (token == NULL || (p->count == p->cap && p->cap > 0x100000)) {
        goto done;
    }
    if (p->count == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        qc_probe_req *g = realloc(p->reqs, cap * sizeof *g);
        if (g == NULL) {
            goto done;
        }
        p->reqs = g;
        p->cap = cap;
    }
    qc_probe_req *q = &p->reqs[p->count];
    memset(q, 0, sizeof *q);
    q->route = r->route;
    q->kind = r->kind;
    q->attack = attack;
    q->content_type = r->content_type;
    const char *in_query = r->kind == QC_ROUTE_MODULE ? token : second;
    const char *in_header = r->kind == QC_ROUTE_MODULE ? second : token;
    char *jwt = in_query ? concat3(strchr(target, '?') ? "&" : "?", "jwt=", in_query) : NULL;
    q->label = concat3(label, "", "");
    q->method = concat3(r->method, "", "");
    q->url = concat3(r->origin, "", "");
    q->target = concat3(target, "", jwt ? jwt : "");
    q->authorization = in_header ? concat3("JWT ", in_header, "") : NULL;
    q->body = r->body ? concat3(r->body, "", "") : NULL;
    free(jwt);
    if (q->label && q->method && q->url && q->target && (q->authorization || !in_header) &&
        (q->body || !r->body) && (jwt || !in_query)) {
        p->count++;
        rc = 0;
    } else {
        req_free(q);
    }
done:
    if (rc != 0) {
        snprintf(r->err, r->errcap, "out of memory");
    }
    free(token);
    free(second);
    return rc;
}

/* A valid token for the route: HS256 with the shared secret, or RS256 by the product's key with
 * the app's baseUrl as aud on a lifecycle route of signed installs. */
static token_spec valid_spec(const route_ctx *r, const char *qsh) {
    token_spec t = {"HS256",
                    qsh,
                    r->cfg->client_key,
                    r->cfg->now,
                    r->cfg->now + TOKEN_TTL,
                    r->cfg->secret,
                    NULL,
                    NULL,
                    NULL,
                    0};
    if (r->signed_install) {
        t.alg = "RS256";
        t.secret = NULL;
        t.kid = qc_probe_keys_kid(r->cfg->keys);
        t.aud = r->aud;
        t.keys = r->cfg->keys;
    }
    return t;
}

/* The requests a correct app accepts: the route's own target, then each corpus query. */
static int add_valid(route_ctx *r, char **queries, size_t nq) {
    char hex[QSH_HEX_SIZE], label[96];
    if (r->kind == QC_ROUTE_CONTEXT) {
        token_spec t = valid_spec(r, "context-qsh");
        if (add(r, 0, "context-qsh on a context route", r->target, make_token(&t), NULL)) {
            return -1;
        }
    }
    if (qsh_of(r, r->method, r->target, hex) != 0) {
        return -1;
    }
    token_spec t = valid_spec(r, hex);
    if (add(r, 0, "the route as given", r->target, make_token(&t), NULL) != 0) {
        return -1;
    }
    for (size_t i = 0; r->kind != QC_ROUTE_LIFECYCLE && i < nq; i++) {
        char *target = concat3(r->target, strchr(r->target, '?') ? "&" : "?", queries[i]);
        if (target == NULL || qsh_of(r, r->method, target, hex) != 0) {
            free(target);
            return -1;
        }
        snprintf(label, sizeof label, "corpus query %zu: %.60s", i + 1, queries[i]);
        t = valid_spec(r, hex);
        int rc = add(r, 0, label, target, make_token(&t), NULL);
        free(target);
        if (rc != 0) {
            return -1;
        }
    }
    return 0;
}

/* The attacks only signed installs have: the algorithm confusion of an RS256 verifier that
 * takes HS256 with the public key's text as the secret, a signature by a key that is not the
 * kid's, a token for another app. */
static int add_install_attacks(route_ctx *r, const char *hex) {
    token_spec t = valid_spec(r, hex);
    t.alg = "HS256";
    t.secret = qc_probe_keys_public_pem(r->cfg->keys);
    int rc =
        add(r, 1, "HS256 signed with the public key of the kid", r->target, make_token(&t), NULL);
    t = valid_spec(r, hex);
    t.attacker = 1;
    rc |= add(r, 1, "RS256 signed by a key that is not the kid's", r->target, make_token(&t), NULL);
    t = valid_spec(r, hex);
    t.aud = "https://another-app.example.com";
    rc |= add(r, 1, "aud of another app", r->target, make_token(&t), NULL);
    return rc;
}

/* The attacks a correct app rejects, each one claim or one byte away from a valid token. */
static int add_attacks(route_ctx *r) {
    char hex[QSH_HEX_SIZE], other[QSH_HEX_SIZE];
    if (qsh_of(r, r->method, r->target, hex) != 0 ||
        qsh_of(r, "GET", "/qshcheck-probe/another-request?a=1", other) != 0) {
        return -1;
    }
    token_spec t = valid_spec(r, other);
    int rc = add(r, 1, "qsh of another request", r->target, make_token(&t), NULL);
    if (r->kind != QC_ROUTE_CONTEXT) {
        t = valid_spec(r, "context-qsh");
        char label[64];
        snprintf(label, sizeof label, "context-qsh on a %s route", qc_route_kind_name(r->kind));
        rc |= add(r, 1, label, r->target, make_token(&t), NULL);
    }
    t = valid_spec(r, NULL);
    rc |= add(r, 1, "no qsh claim", r->target, make_token(&t), NULL);
    t = valid_spec(r, hex);
    t.alg = "none";
    t.secret = NULL;
    rc |= add(r, 1, "alg none, no signature", r->target, make_token(&t), NULL);
    t = valid_spec(r, hex);
    t.iat = r->cfg->now - SKEW - TOKEN_TTL;
    t.exp = r->cfg->now - SKEW;
    rc |= add(r, 1, "expired an hour ago", r->target, make_token(&t), NULL);
    t = valid_spec(r, hex);
    t.iat = r->cfg->now + SKEW;
    t.exp = r->cfg->now + SKEW + TOKEN_TTL;
    rc |= add(r, 1, "issued an hour from now", r->target, make_token(&t), NULL);
    t = valid_spec(r, hex);
    char *good = make_token(&t);
    rc |= add(r, 1, "tampered signature", r->target, good ? qc_jwt_tamper(good) : NULL, NULL);
    rc |= add(r, 1, "two carriers: a valid token, and a forged one in the other carrier", r->target,
              good, good ? qc_jwt_tamper(good) : NULL);
    t = valid_spec(r, hex);
    t.iss = other_tenant;
    t.secret = other_secret;
    rc |= add(r, 1, "a token of another tenant", r->target, make_token(&t), NULL);
    if (r->signed_install) {
        rc |= add_install_attacks(r, hex);
    }
    return rc ? -1 : 0;
}

/* A lifecycle body names the route's event by its last path segment, as products post to the
 * URL the descriptor gives for each event. Its baseUrl is a host that cannot exist (.invalid),
 * so that an app looking up keys or hosts by it never leaves the loopback. */
static char *lifecycle_body(const route_ctx *r) {
    static const char *const events[] = {"installed", "uninstalled", "enabled", "disabled"};
    const char *event = "installed";
    size_t path_len = strcspn(r->target, "?");
    for (size_t k = 0; k < 4; k++) {
        size_t n = strlen(events[k]);
        if (path_len >= n && memcmp(r->target + path_len - n, events[k], n) == 0 &&
            (path_len == n || r->target[path_len - n - 1] == '/')) {
            event = events[k];
        }
    }
    json_t *b = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "key", "qshcheck-probe",
                          "clientKey", r->cfg->client_key, "sharedSecret", r->cfg->secret,
                          "baseUrl", "https://qshcheck-probe.invalid", "productType", "jira",
                          "description", "qshcheck probe", "eventType", event);
    char *text = b ? json_dumps(b, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(b);
    return text;
}

int qc_probe_plan_route(qc_probe_plan *plan, const qc_probe_config *cfg, size_t route,
                        qc_route_kind kind, const char *url, char *err, size_t errcap) {
    route_ctx r = {plan, cfg,  route, kind,   NULL, NULL, "GET", NULL,
                   NULL, NULL, err,   errcap, 0,    0,    NULL};
    char *queries[QC_PROBE_MAX_QUERIES];
    size_t nq = 0;
    int rc = -1;
    if (split_url(url, &r.origin, &r.target, err, errcap) != 0) {
        r.bad_input = 1;
        goto done;
    }
    r.signed_install = kind == QC_ROUTE_LIFECYCLE && cfg->keys != NULL;
    const char *base;
    size_t base_len;
    app_base(&r, &base, &base_len);
    if ((r.aud = qc_probe_dup(base, base_len)) == NULL) {
        snprintf(err, errcap, "out of memory");
        goto done;
    }
    if (kind == QC_ROUTE_WEBHOOK || kind == QC_ROUTE_LIFECYCLE) {
        r.method = "POST";
        r.content_type = "application/json";
        r.body = kind == QC_ROUTE_LIFECYCLE
                     ? lifecycle_body(&r)
                     : concat3("{\"webhookEvent\":\"jira:issue_updated\",\"timestamp\":", "1", "}");
        if (r.body == NULL) {
            snprintf(err, errcap, "out of memory");
            goto done;
        }
    }
    nq = qc_probe_corpus_queries(cfg->vectors_dir, queries, err, errcap);
    if (nq == (size_t)-1) {
        nq = 0;
        goto done;
    }
    if ((r.qsh = qsh_ctx_new()) == NULL) {
        snprintf(err, errcap, "out of memory");
        goto done;
    }
    rc = add_valid(&r, queries, nq) == 0 && add_attacks(&r) == 0 ? 0 : -1;
done:
    rc = rc != 0 && r.bad_input ? 1 : rc;
    for (size_t k = 0; k < nq; k++) {
        free(queries[k]);
    }
    qsh_ctx_free(r.qsh);
    free(r.origin);
    free(r.target);
    free(r.body);
    free(r.aud);
    return rc;
}

void qc_probe_plan_free(qc_probe_plan *plan) {
    for (size_t i = 0; i < plan->count; i++) {
        req_free(&plan->reqs[i]);
    }
    free(plan->reqs);
    memset(plan, 0, sizeof *plan);
}
