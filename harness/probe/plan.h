/* What a probe sends to an app's endpoint: for each route, requests built from the corpus
 * that a correct app must accept, and attacks it must reject, each a complete HTTP request
 * with its token already in place. */
#ifndef QC_PROBE_PLAN_H
#define QC_PROBE_PLAN_H

#include <stddef.h>
#include <stdint.h>

typedef enum qc_route_kind {
    QC_ROUTE_MODULE,    /* an iframe URL: GET, the token in ?jwt= */
    QC_ROUTE_WEBHOOK,   /* POST with a JSON body, the token in Authorization */
    QC_ROUTE_LIFECYCLE, /* installed, uninstalled, enabled, disabled: POST, HS256 or RS256 */
    QC_ROUTE_CONTEXT    /* an endpoint for AP.context.getToken() tokens (context-qsh) */
} qc_route_kind;

/* Parses "module", "webhook", "lifecycle" or "context": 0, or -1. */
int qc_route_kind_parse(const char *s, size_t n, qc_route_kind *out);
const char *qc_route_kind_name(qc_route_kind k);

typedef struct qc_probe_config {
    const char *secret;     /* the tenant's shared secret */
    const char *client_key; /* the tenant's clientKey: the iss of the product's tokens */
    const char *base_url;   /* the app's baseUrl (its path is not hashed), or NULL: the origin */
    int64_t now;            /* seconds since 1970: iat of the tokens */
    const char *vectors_dir;
    /* Lifecycle routes: NULL for HS256 with the shared secret (Bitbucket); else signed installs,
     * RS256 by these keys (the product's key served by the probe's key server). */
    const struct qc_probe_keys *keys;
} qc_probe_config;

typedef struct qc_probe_req {
    size_t route; /* index of the route it was built for */
    qc_route_kind kind;
    int attack;  /* 1: a correct app rejects it; 0: a correct app accepts it */
    char *label; /* what it is: "corpus qsh_sorting.json #3", "alg none", ... */
    char *method;
    char *url;           /* scheme://authority/ to connect to */
    char *target;        /* the request target, sent byte for byte */
    char *authorization; /* the Authorization header's value, or NULL */
    char *body;          /* or NULL */
    const char *content_type;
} qc_probe_req;

typedef struct qc_probe_plan {
    qc_probe_req *reqs;
    size_t count, cap;
} qc_probe_plan;

/* Appends the requests for route number `route` (KIND at URL) to plan. 0; 1 with err when the
 * URL cannot be used (not http(s), or a target the rules cannot hash); -1 with err when the
 * corpus cannot be read or memory runs out. */
int qc_probe_plan_route(qc_probe_plan *plan, const qc_probe_config *cfg, size_t route,
                        qc_route_kind kind, const char *url, char *err, size_t errcap);
void qc_probe_plan_free(qc_probe_plan *plan);

#endif
