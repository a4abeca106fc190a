/* `qshcheck serve [--mistakes LIST]`: the mistake catalogue's canonicalizer served over the
 * line protocol. With no mistakes it is a second, simpler implementation of the rules; with
 * some, it is a library that makes them. The negative controls run the corpus against it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "mistakes/catalogue.h"
#include "corpus/request.h"
#include "protocol/serve_loop.h"

static const char usage[] =
    "usage: qshcheck serve [--mistakes NAME[,NAME...]]\n"
    "\n"
    "Answers the line protocol of harness/protocol/PROTOCOL.md on stdin and stdout\n"
    "(operations canonical and qsh) as a library making the named mistakes would\n"
    "(`qshcheck mistakes` lists them). From the root of a build, try:\n"
    "  build/bin/qshcheck run --exec 'build/bin/qshcheck serve --mistakes SpaceAsPlus'\n";

typedef struct serve_state {
    uint64_t mask;
    qsh_ctx *ctx;
} serve_state;

static void str_of(json_t *j, const char *key, const char **p, size_t *n) {
    json_t *v = json_object_get(j, key);
    *p = json_is_string(v) ? json_string_value(v) : "";
    *n = json_is_string(v) ? json_string_length(v) : 0;
}

static json_t *serve_answer(void *ud, json_t *j, json_int_t id) {
    serve_state *s = ud;
    const char *op = json_string_value(json_object_get(j, "op")), *profile;
    size_t profile_n;
    if (op == NULL || (strcmp(op, "canonical") != 0 && strcmp(op, "qsh") != 0)) {
        return json_pack("{s:I, s:s}", "id", id, "skipped", "only canonical and qsh are served");
    }
    qsh_request req;
    memset(&req, 0, sizeof req);
    str_of(j, "method", &req.method, &req.method_len);
    str_of(j, "target", &req.target, &req.target_len);
    str_of(j, "baseUrl", &req.base_url, &req.base_url_len);
    str_of(j, "profile", &profile, &profile_n);
    if (json_is_string(json_object_get(j, "body"))) {
        str_of(j, "body", &req.body, &req.body_len);
    }
    if (json_is_string(json_object_get(j, "contentType"))) {
        str_of(j, "contentType", &req.content_type, &req.content_type_len);
    }
    qsh_status st = QSH_E_PROFILE_INVALID;
    char *out = NULL;
    size_t len = 0;
    if (qc_profile_parse(profile, profile_n, &req.profile) == 0) {
        st = qc_mistaken_canonical(s->ctx, &req, s->mask, &out, &len);
    }
    json_t *ans;
    char hex[QSH_HEX_SIZE];
    if (st == QSH_OK && strcmp(op, "qsh") == 0) {
        st = qsh_sha256_hex(s->ctx, out, len, hex);
        ans = st == QSH_OK ? json_pack("{s:I, s:{s:s}}", "id", id, "result", "qsh", hex) : NULL;
    } else if (st == QSH_OK) {
        ans = json_pack("{s:I, s:{s:s%}}", "id", id, "result", "canonicalRequest", out, len);
    } else {
        ans = NULL;
    }
    if (st != QSH_OK) {
        ans = json_pack("{s:I, s:{s:s}}", "id", id, "error", "status", qsh_status_name(st));
    }
    free(out);
    return ans;
}

static json_t *serve_operations(void *ud) {
    (void)ud;
    return json_pack("[s, s]", "canonical", "qsh");
}

int cmd_serve(int argc, char **argv) {
    const char *list = "";
    const cli_option opts[] = {{"mistakes", CLI_STRING, &list, 0, 0, NULL}};
    cli_spec spec = {usage, opts, 1, NULL, 0, 0};
    int pr = cli_parse(argc, argv, &spec);
    if (pr != CLI_PARSED) {
        return cli_parse_exit(pr);
    }
    serve_state s = {0, NULL};
    char err[160], name[160];
    if (qc_mistakes_parse(list, &s.mask, err, sizeof err) != 0) {
        return cli_usage_error(usage, "%s", err);
    }
    s.ctx = qsh_ctx_new();
    if (s.ctx == NULL) {
        fputs("qshcheck serve: out of memory\n", stderr);
        return QC_EXIT_IO;
    }
    snprintf(name, sizeof name, "qshcheck serve%s%.120s", list[0] ? " --mistakes " : "", list);
    qc_server srv = {"serve", &s, name, "1", serve_operations, serve_answer};
    int rc = qc_serve_lines(&srv, stdin, stdout);
    qsh_ctx_free(s.ctx);
    return rc;
}
