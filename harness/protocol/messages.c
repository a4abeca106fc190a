#include "protocol/messages.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *qc_proto_hello_line(void) {
    return "{\"type\":\"hello\",\"protocol\":1}\n";
}

static void copy_str(char *dst, size_t cap, json_t *s) {
    snprintf(dst, cap, "%s", json_is_string(s) ? json_string_value(s) : "");
}

int qc_proto_parse_hello(const char *line, size_t n, qc_hello *h, char *err, size_t errcap) {
    json_error_t je;
    memset(h, 0, sizeof *h);
    json_t *j = json_loadb(line, n, JSON_REJECT_DUPLICATES, &je);
    if (j == NULL) {
        snprintf(err, errcap, "the hello is not JSON: %s", je.text);
        return -1;
    }
    int rc = -1;
    json_t *ops = json_object_get(j, "operations");
    json_t *profiles = json_object_get(j, "profiles");
    if (!json_is_object(j) || !json_is_string(json_object_get(j, "type")) ||
        strcmp(json_string_value(json_object_get(j, "type")), "hello") != 0) {
        snprintf(err, errcap, "the first line is not a hello");
    } else if (json_integer_value(json_object_get(j, "protocol")) != QC_PROTOCOL_VERSION) {
        snprintf(err, errcap, "the hello does not speak protocol %d", QC_PROTOCOL_VERSION);
    } else if (!json_is_string(json_object_get(j, "name")) || !json_is_array(ops)) {
        snprintf(err, errcap, "the hello lacks a name or an operations array");
    } else {
        size_t i;
        json_t *o;
        copy_str(h->name, sizeof h->name, json_object_get(j, "name"));
        copy_str(h->version, sizeof h->version, json_object_get(j, "version"));
        json_array_foreach(ops, i, o) {
            const char *s = json_is_string(o) ? json_string_value(o) : "";
            h->ops |= strcmp(s, "canonical") == 0 ? QC_OP_CANONICAL : 0;
            h->ops |= strcmp(s, "qsh") == 0 ? QC_OP_QSH : 0;
            h->ops |= strcmp(s, "verify") == 0 ? QC_OP_VERIFY : 0;
        }
        json_array_foreach(profiles, i, o) {
            const char *s = json_is_string(o) ? json_string_value(o) : "";
            h->profiles |= strcmp(s, "server") == 0 ? QC_PROFILE_SERVER_BIT : 0;
            h->profiles |= strcmp(s, "product") == 0 ? QC_PROFILE_PRODUCT_BIT : 0;
        }
        if (!json_is_array(profiles)) {
            h->profiles = QC_PROFILE_SERVER_BIT | QC_PROFILE_PRODUCT_BIT;
        }
        if (h->ops == 0) {
            snprintf(err, errcap,
                     "the hello offers no operation qshcheck knows (canonical, qsh, verify)");
        } else if (h->profiles == 0) {
            snprintf(err, errcap, "the hello's profiles name neither server nor product");
        } else {
            rc = 0;
        }
    }
    json_decref(j);
    return rc;
}

int qc_proto_parse_broken(const char *line, size_t n, long long *id, char *why, size_t whycap) {
    json_t *j = json_loadb(line, n, JSON_REJECT_DUPLICATES, NULL);
    json_t *jid = json_object_get(j, "id"), *broken = json_object_get(j, "broken");
    int rc = json_is_object(j) && json_object_size(j) == 2 && json_is_integer(jid) &&
             json_is_string(broken);
    if (rc) {
        *id = json_integer_value(jid);
        snprintf(why, whycap, "%s", json_string_value(broken));
    }
    json_decref(j);
    return rc;
}

int qc_proto_answer_fits(const qc_answer *a, unsigned op, long long id, char *err, size_t errcap) {
    if (a->outcome != QC_OUT_OK) {
        return 0;
    }
    int verify_shaped = a->request == NULL && !a->has_qsh;
    if (op == QC_OP_VERIFY && !verify_shaped) {
        snprintf(err, errcap, "answer %lld to a verify request is not {\"valid\":true}", id);
        return -1;
    }
    if (op != QC_OP_VERIFY && verify_shaped) {
        snprintf(err, errcap, "answer %lld to a %s request is a verify answer (valid: true)", id,
                 op == QC_OP_CANONICAL ? "canonical" : "qsh");
        return -1;
    }
    return 0;
}

unsigned qc_proto_pick_op(const qc_hello *h, const qc_case *c) {
    if (c->is_token) {
        return h->ops & QC_OP_VERIFY;
    }
    int product = c->profile.n == 7 && memcmp(c->profile.p, "product", 7) == 0;
    if (!(h->profiles & (product ? QC_PROFILE_PRODUCT_BIT : QC_PROFILE_SERVER_BIT))) {
        return 0;
    }
    if (h->ops & QC_OP_CANONICAL) {
        return QC_OP_CANONICAL;
    }
    return h->ops & QC_OP_QSH;
}

char *qc_proto_request(long long id, unsigned op, const qc_case *c, size_t *len) {
    const char *name = op == QC_OP_CANONICAL ? "canonical" : op == QC_OP_QSH ? "qsh" : "verify";
    json_t *j =
        json_pack("{s:I, s:s, s:s%, s:s%, s:s%, s:s%}", "id", (json_int_t)id, "op", name, "method",
                  c->method.p, c->method.n, "target", c->target.p, c->target.n, "baseUrl",
                  c->base_url.p, c->base_url.n, "profile", c->profile.p, c->profile.n);
    if (j != NULL && op == QC_OP_VERIFY) {
        json_object_set_new(j, "kind", json_stringn(c->kind.p, c->kind.n));
        json_object_set_new(j, "now", json_integer((json_int_t)c->now));
        json_object_set_new(j, "leeway", json_integer((json_int_t)c->leeway));
        if (c->has_authorization) {
            json_object_set_new(j, "authorization",
                                json_stringn(c->authorization.p, c->authorization.n));
        }
        if (c->has_audience) {
            json_object_set_new(j, "audience", json_stringn(c->audience.p, c->audience.n));
        }
        if (c->has_client_key) {
            json_object_set_new(j, "clientKey", json_stringn(c->client_key.p, c->client_key.n));
        }
        if (c->has_subject) {
            json_object_set_new(j, "subject", json_stringn(c->subject.p, c->subject.n));
        }
        if (c->has_jwks) {
            json_object_set_new(j, "jwks", json_stringn(c->jwks.p, c->jwks.n));
        }
        if (c->has_app_id) {
            json_object_set_new(j, "appId", json_stringn(c->app_id.p, c->app_id.n));
        }
        json_object_set(j, "secrets", c->secrets);
        json_object_set(j, "publicKeys", c->public_keys);
    }
    if (j != NULL && c->has_body) {
        json_object_set_new(j, "body", json_stringn(c->body.p, c->body.n));
        json_object_set_new(j, "contentType", json_stringn(c->content_type.p, c->content_type.n));
    }
    char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (s == NULL) {
        return NULL;
    }
    size_t n = strlen(s);
    char *line = realloc(s, n + 2);
    if (line == NULL) {
        free(s);
        return NULL;
    }
    line[n] = '\n';
    line[n + 1] = '\0';
    *len = n + 1;
    return line;
}

static int is_hex64(json_t *s) {
    if (!json_is_string(s) || json_string_length(s) != 64) {
        return 0;
    }
    const char *p = json_string_value(s);
    for (size_t i = 0; i < 64; i++) { /* by length: the string may hold a NUL */
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

int qc_proto_parse_answer(const char *line, size_t n, long long *id, qc_answer *ans, char *err,
                          size_t errcap) {
    json_error_t je;
    memset(ans, 0, sizeof *ans);
    json_t *j = json_loadb(line, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    if (j == NULL) {
        snprintf(err, errcap, "an answer is not JSON (%s)", je.text);
        return -1;
    }
    int rc = -1;
    json_t *jid = json_object_get(j, "id");
    json_t *result = json_object_get(j, "result");
    json_t *error = json_object_get(j, "error");
    json_t *skipped = json_object_get(j, "skipped");
    if (!json_is_object(j) || !json_is_integer(jid)) {
        snprintf(err, errcap, "an answer has no integer id");
        goto done;
    }
    *id = json_integer_value(jid);
    if ((result != NULL) + (error != NULL) + (skipped != NULL) != 1) {
        snprintf(err, errcap, "answer %lld has not exactly one of result, error, skipped", *id);
        goto done;
    }
    if (skipped != NULL) {
        ans->outcome = QC_OUT_SKIPPED;
        snprintf(ans->status, sizeof ans->status, "skipped: %s",
                 json_is_string(skipped) ? json_string_value(skipped) : "no reason given");
    } else if (error != NULL) {
        json_t *st = json_object_get(error, "status");
        json_t *msg = json_object_get(error, "message");
        ans->outcome = QC_OUT_ERROR;
        snprintf(ans->status, sizeof ans->status, "%s%s%s",
                 json_is_string(st) ? json_string_value(st) : "rejected",
                 json_is_string(msg) ? ": " : "",
                 json_is_string(msg) ? json_string_value(msg) : "");
    } else {
        json_t *req = json_object_get(result, "canonicalRequest");
        json_t *qsh = json_object_get(result, "qsh");
        if (json_is_true(json_object_get(result, "valid")) && req == NULL && qsh == NULL) {
            ans->outcome = QC_OUT_OK; /* a verify answer: the token is valid */
            rc = 0;
            goto done;
        }
        if (!json_is_object(result) || (req == NULL && qsh == NULL) ||
            (req != NULL && !json_is_string(req)) || (qsh != NULL && !is_hex64(qsh))) {
            snprintf(err, errcap,
                     "answer %lld: result needs canonicalRequest (a string) and/or qsh (64 "
                     "lowercase hex digits), or valid: true",
                     *id);
            goto done;
        }
        ans->outcome = QC_OUT_OK;
        if (req != NULL &&
            qc_answer_set_request(ans, json_string_value(req), json_string_length(req)) != 0) {
            snprintf(err, errcap, "out of memory");
            goto done;
        }
        if (qsh != NULL) {
            ans->has_qsh = 1;
            memcpy(ans->qsh, json_string_value(qsh), QSH_HEX_SIZE);
        }
    }
    rc = 0;
done:
    json_decref(j);
    if (rc != 0) {
        qc_answer_clear(ans);
    }
    return rc;
}
