#include "corpus/vectors.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *qc_open_regular(const char *path, const char *what, char *err, size_t errcap) {
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    struct stat st;
    if (fd < 0) {
        snprintf(err, errcap, "cannot open %s %s: %s", what, path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errcap, "%s %s is not a regular file (%s)", what, path,
                 S_ISDIR(st.st_mode)    ? "a folder"
                 : S_ISFIFO(st.st_mode) ? "a FIFO"
                                        : "a device or socket");
        close(fd);
        return NULL;
    }
    int flags = fcntl(fd, F_GETFL);
    FILE *f = flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 ? NULL : fdopen(fd, "rb");
    if (f == NULL) {
        snprintf(err, errcap, "cannot read %s %s: %s", what, path, strerror(errno));
        close(fd);
    }
    return f;
}

json_t *qc_json_load(const char *path, char *err, size_t errcap) {
    json_error_t je;
    FILE *f = qc_open_regular(path, "the file", err, errcap);
    if (f == NULL) {
        return NULL;
    }
    json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    if (root == NULL) {
        snprintf(err, errcap, "%s:%d:%d: %s", path, je.line, je.column, je.text);
    }
    fclose(f);
    return root;
}

const char *qc_result_name(qc_result r) {
    switch (r) {
    case QC_VALID:
        return "valid";
    case QC_INVALID:
        return "invalid";
    default:
        return "acceptable";
    }
}

/* Reads member `key` of obj as a string. Missing: returns `required ? -1 : 0` with s empty. */
static int get_str(json_t *obj, const char *key, int required, qc_str *s, int *present) {
    json_t *v = json_object_get(obj, key);
    s->p = "";
    s->n = 0;
    if (present) {
        *present = 0;
    }
    if (v == NULL || json_is_null(v)) {
        return required ? -1 : 0;
    }
    if (!json_is_string(v)) {
        return -1;
    }
    s->p = json_string_value(v);
    s->n = json_string_length(v);
    if (present) {
        *present = 1;
    }
    return 0;
}

static int load_token_fields(json_t *t, qc_case *c, char *err, size_t errcap) {
    json_t *now = json_object_get(t, "now"), *leeway = json_object_get(t, "leeway");
    if (get_str(t, "kind", 1, &c->kind, NULL) || !json_is_integer(now) ||
        !json_is_integer(leeway) ||
        get_str(t, "authorization", 0, &c->authorization, &c->has_authorization) ||
        get_str(t, "audience", 0, &c->audience, &c->has_audience) ||
        get_str(t, "clientKey", 0, &c->client_key, &c->has_client_key) ||
        get_str(t, "subject", 0, &c->subject, &c->has_subject) ||
        get_str(t, "jwks", 0, &c->jwks, &c->has_jwks) ||
        get_str(t, "appId", 0, &c->app_id, &c->has_app_id) ||
        get_str(t, "reason", 1, &c->status, NULL)) {
        snprintf(err, errcap,
                 "tcId %lld: a token case needs kind, integer now and leeway, and a reason; "
                 "authorization, audience, clientKey, subject, jwks and appId must be strings",
                 c->tc_id);
        return -1;
    }
    c->now = json_integer_value(now);
    c->leeway = json_integer_value(leeway);
    return 0;
}

/* Member `servers`: server name -> {canonicalRequest, qsh[, http09]} or {refused[, http09]}. */
static int load_servers(json_t *t, qc_case *c, char *err, size_t errcap) {
    json_t *servers = json_object_get(t, "servers"), *a;
    const char *name;
    if (servers == NULL) {
        return 0;
    }
    if (!json_is_object(servers) || json_object_size(servers) > QC_MAX_SERVERS) {
        snprintf(err, errcap, "tcId %lld: 'servers' is not an object of at most %d answers",
                 c->tc_id, QC_MAX_SERVERS);
        return -1;
    }
    json_object_foreach(servers, name, a) {
        qc_server_answer *s = &c->servers[c->nservers++];
        json_t *refused = json_object_get(a, "refused");
        s->name.p = name;
        s->name.n = strlen(name);
        s->http09 = json_is_true(json_object_get(a, "http09"));
        if (json_is_integer(refused)) {
            s->status = json_integer_value(refused);
        } else if (!json_is_object(a) || refused != NULL ||
                   get_str(a, "canonicalRequest", 1, &s->canonical_request, NULL) ||
                   get_str(a, "qsh", 1, &s->qsh, NULL)) {
            snprintf(err, errcap,
                     "tcId %lld: the answer of server '%s' needs canonicalRequest and qsh, or "
                     "an integer refused",
                     c->tc_id, name);
            return -1;
        } else {
            s->accepted = 1;
        }
    }
    return 0;
}

static int load_case(json_t *t, qc_case *c, int token, char *err, size_t errcap) {
    qc_str result;
    json_t *id = json_object_get(t, "tcId");
    memset(c, 0, sizeof *c);
    if (!json_is_integer(id)) {
        snprintf(err, errcap, "a test has no integer tcId");
        return -1;
    }
    c->tc_id = json_integer_value(id);
    c->flags = json_object_get(t, "flags");
    if (c->flags != NULL) {
        size_t i;
        json_t *flag;
        int ok = json_is_array(c->flags);
        json_array_foreach(c->flags, i, flag) {
            ok &= json_is_string(flag);
        }
        if (!ok) {
            snprintf(err, errcap, "tcId %lld: 'flags' is not an array of strings", c->tc_id);
            return -1;
        }
    }
    const char *bad = NULL;
    if (get_str(t, "comment", 0, &c->comment, NULL) || get_str(t, "method", 1, &c->method, NULL)) {
        bad = "method";
    } else if (get_str(t, "target", 1, &c->target, NULL)) {
        bad = "target";
    } else if (get_str(t, "baseUrl", 0, &c->base_url, NULL)) {
        bad = "baseUrl";
    } else if (get_str(t, "profile", 1, &c->profile, NULL)) {
        bad = "profile";
    } else if (get_str(t, "body", 0, &c->body, &c->has_body)) {
        bad = "body";
    } else if (get_str(t, "contentType", 0, &c->content_type, NULL)) {
        bad = "contentType";
    } else if (get_str(t, "result", 1, &result, NULL)) {
        bad = "result";
    }
    if (bad != NULL) {
        snprintf(err, errcap, "tcId %lld: '%s' missing or not a string", c->tc_id, bad);
        return -1;
    }
    if (token) {
        c->is_token = 1;
        /* Version 2 adds acceptable: what Atlassian's own verifier takes and the strict one
         * refuses, with the strict verifier's reason. */
        int acceptable = token == 2 && strcmp(result.p, "acceptable") == 0;
        if (strcmp(result.p, "valid") != 0 && strcmp(result.p, "invalid") != 0 && !acceptable) {
            snprintf(err, errcap, "tcId %lld: a token case is valid or invalid%s", c->tc_id,
                     token == 2 ? " or acceptable" : "");
            return -1;
        }
        c->result = acceptable ? QC_ACCEPTABLE : result.p[0] == 'v' ? QC_VALID : QC_INVALID;
        c->rules_reject = acceptable;
        return load_token_fields(t, c, err, errcap);
    }
    if (strcmp(result.p, "valid") == 0) {
        c->result = QC_VALID;
    } else if (strcmp(result.p, "invalid") == 0) {
        c->result = QC_INVALID;
    } else if (strcmp(result.p, "acceptable") == 0) {
        c->result = QC_ACCEPTABLE;
    } else {
        snprintf(err, errcap, "tcId %lld: result '%s' is not valid, invalid or acceptable",
                 c->tc_id, result.p);
        return -1;
    }
    if (load_servers(t, c, err, errcap) != 0) {
        return -1;
    }
    /* An acceptable case with a status is one the rules reject and a container accepts. */
    if (c->result == QC_INVALID ||
        (c->result == QC_ACCEPTABLE && json_object_get(t, "status") != NULL)) {
        if (get_str(t, "status", 1, &c->status, NULL)) {
            snprintf(err, errcap, "tcId %lld: an %s case needs a 'status' string", c->tc_id,
                     qc_result_name(c->result));
            return -1;
        }
        c->rules_reject = c->result == QC_ACCEPTABLE;
        return 0;
    }
    if (get_str(t, "canonicalMethod", 1, &c->canonical_method, NULL) ||
        get_str(t, "canonicalUri", 1, &c->canonical_uri, NULL) ||
        get_str(t, "canonicalQuery", 1, &c->canonical_query, NULL) ||
        get_str(t, "canonicalRequest", 1, &c->canonical_request, NULL) ||
        get_str(t, "qsh", 1, &c->qsh, NULL)) {
        snprintf(err, errcap,
                 "tcId %lld: a %s case needs canonicalMethod, canonicalUri, canonicalQuery, "
                 "canonicalRequest and qsh",
                 c->tc_id, qc_result_name(c->result));
        return -1;
    }
    return 0;
}

/* Takes ownership of root and fills out from it. */
static int file_from_json(const char *path, json_t *root, qc_file *out, char *err, size_t errcap) {
    char msg[512];
    memset(out, 0, sizeof *out);
    out->root = root;
    out->path = strdup(path);
    json_t *groups = json_object_get(out->root, "testGroups");
    if (out->path == NULL || !json_is_array(groups)) {
        snprintf(err, errcap, "%s: no 'testGroups' array", path);
        goto fail;
    }
    size_t total = 0, gi, ti;
    json_t *g, *t;
    json_array_foreach(groups, gi, g) {
        json_t *tests = json_object_get(g, "tests");
        if (!json_is_array(tests)) {
            snprintf(err, errcap, "%s: test group %zu has no 'tests' array", path, gi);
            goto fail;
        }
        total += json_array_size(tests);
    }
    out->cases = calloc(total ? total : 1, sizeof *out->cases);
    if (out->cases == NULL) {
        snprintf(err, errcap, "%s: out of memory", path);
        goto fail;
    }
    const char *schema = json_string_value(json_object_get(out->root, "schema"));
    int token = schema == NULL                                    ? 0
                : strcmp(schema, "qsh_token_v1.schema.json") == 0 ? 1
                : strcmp(schema, "qsh_token_v2.schema.json") == 0 ? 2
                                                                  : 0;
    json_t *secrets = json_object_get(out->root, "secrets");
    json_t *keys = json_object_get(out->root, "publicKeys");
    if (token && (!json_is_object(secrets) || !json_is_object(keys))) {
        snprintf(err, errcap, "%s: a token file needs 'secrets' and 'publicKeys' objects", path);
        goto fail;
    }
    json_array_foreach(groups, gi, g) {
        json_array_foreach(json_object_get(g, "tests"), ti, t) {
            qc_case *c = &out->cases[out->count];
            if (!json_is_object(t) || load_case(t, c, token, msg, sizeof msg)) {
                snprintf(err, errcap, "%s: group %zu test %zu: %s", path, gi, ti,
                         json_is_object(t) ? msg : "not an object");
                goto fail;
            }
            c->secrets = secrets;
            c->public_keys = keys;
            out->count++;
        }
    }
    return 0;
fail:
    qc_file_free(out);
    return -1;
}

int qc_file_load(const char *path, qc_file *out, char *err, size_t errcap) {
    json_t *root = qc_json_load(path, err, errcap);
    if (root == NULL) {
        memset(out, 0, sizeof *out);
        return -1;
    }
    return file_from_json(path, root, out, err, errcap);
}

int qc_file_parse(const char *name, const char *buf, size_t len, qc_file *out, char *err,
                  size_t errcap) {
    json_error_t je;
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    if (root == NULL) {
        memset(out, 0, sizeof *out);
        snprintf(err, errcap, "%s:%d:%d: %s", name, je.line, je.column, je.text);
        return -1;
    }
    return file_from_json(name, root, out, err, errcap);
}

void qc_file_free(qc_file *f) {
    if (f == NULL) {
        return;
    }
    free(f->cases);
    free(f->path);
    json_decref(f->root);
    memset(f, 0, sizeof *f);
}
