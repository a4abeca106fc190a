#include "corpus/request.h"

#include <string.h>

int qc_profile_parse(const char *s, size_t n, qsh_profile *out) {
    if (n == 6 && memcmp(s, "server", 6) == 0) {
        *out = QSH_PROFILE_SERVER;
        return 0;
    }
    if (n == 7 && memcmp(s, "product", 7) == 0) {
        *out = QSH_PROFILE_PRODUCT;
        return 0;
    }
    return -1;
}

void qc_request_from_args(qsh_request *req, const char *method, const char *target,
                          const char *base_url, const char *body, const char *content_type) {
    memset(req, 0, sizeof *req);
    req->method = method;
    req->method_len = strlen(method);
    req->target = target;
    req->target_len = strlen(target);
    req->base_url = base_url ? base_url : "";
    req->base_url_len = strlen(req->base_url);
    req->body = body;
    req->body_len = body ? strlen(body) : 0;
    req->content_type = content_type;
    req->content_type_len = content_type ? strlen(content_type) : 0;
}

int qc_request_from_case(const qc_case *c, qsh_request *req) {
    memset(req, 0, sizeof *req);
    req->method = c->method.p;
    req->method_len = c->method.n;
    req->target = c->target.p;
    req->target_len = c->target.n;
    req->base_url = c->base_url.p;
    req->base_url_len = c->base_url.n;
    req->body = c->body.p;
    req->body_len = c->body.n;
    req->content_type = c->content_type.p;
    req->content_type_len = c->content_type.n;
    return qc_profile_parse(c->profile.p, c->profile.n, &req->profile);
}
