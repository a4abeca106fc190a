/* `qshcheck plugin-host LIB`: loads a C plugin and serves it over the line protocol on stdin and
 * stdout. `qshcheck run --plugin LIB` starts it as a child process, so that a crash in the
 * plugin ends only this process. Not meant to be run by hand, though it can be, to debug a
 * plugin by typing requests. */
#include <dlfcn.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "protocol/messages.h"
#include "qshcheck/plugin.h"
#include "protocol/serve_loop.h"

static qshcheck_str str_of(json_t *j, const char *key) {
    json_t *v = json_object_get(j, key);
    qshcheck_str s = {"", 0};
    if (json_is_string(v)) {
        s.p = json_string_value(v);
        s.n = json_string_length(v);
    }
    return s;
}

static int has_verify(const qshcheck_plugin_table_v1 *pl) {
    return pl->struct_size >= sizeof(qshcheck_plugin_table_v1) && pl->verify != NULL;
}

/* The plugin's key lookup over the request's secrets and publicKeys objects. */
typedef struct host_keys {
    json_t *secrets, *public_keys;
} host_keys;

static int host_lookup(void *ud, int rs256, qshcheck_str name, qshcheck_str *key) {
    host_keys *k = ud;
    char buf[512];
    if (name.n >= sizeof buf || memchr(name.p, '\0', name.n) != NULL) {
        return -1;
    }
    memcpy(buf, name.p, name.n);
    buf[name.n] = '\0';
    json_t *v = json_object_get(rs256 ? k->public_keys : k->secrets, buf);
    if (!json_is_string(v)) {
        return -1;
    }
    key->p = json_string_value(v);
    key->n = json_string_length(v);
    return 0;
}

static json_t *serve_verify(const qshcheck_plugin_table_v1 *pl, json_t *j, json_int_t id,
                            qshcheck_request req) {
    char err[256] = "";
    host_keys keys = {json_object_get(j, "secrets"), json_object_get(j, "publicKeys")};
    qshcheck_verify_request vr;
    memset(&vr, 0, sizeof vr);
    vr.request = req;
    vr.kind = str_of(j, "kind");
    vr.now = json_integer_value(json_object_get(j, "now"));
    vr.leeway = json_integer_value(json_object_get(j, "leeway"));
    vr.authorization = str_of(j, "authorization");
    vr.has_authorization = json_object_get(j, "authorization") != NULL;
    vr.audience = str_of(j, "audience");
    vr.has_audience = json_object_get(j, "audience") != NULL;
    vr.client_key = str_of(j, "clientKey");
    vr.has_client_key = json_object_get(j, "clientKey") != NULL;
    vr.lookup = host_lookup;
    vr.lookup_ud = &keys;
    if (pl->verify(&vr, err, sizeof err) == QSHCHECK_OK) {
        return json_pack("{s:I, s:{s:b}}", "id", id, "result", "valid", 1);
    }
    return json_pack("{s:I, s:{s:s}}", "id", id, "error", "status", err[0] ? err : "rejected");
}

/* Answers one request of the line protocol with the plugin. */
static json_t *plugin_answer(void *ud, json_t *j, json_int_t id) {
    const qshcheck_plugin_table_v1 *pl = ud;
    json_t *out = NULL;
    const char *op = json_string_value(json_object_get(j, "op"));
    qshcheck_request req = {str_of(j, "method"),
                            str_of(j, "target"),
                            str_of(j, "baseUrl"),
                            str_of(j, "profile"),
                            str_of(j, "body"),
                            str_of(j, "contentType"),
                            json_object_get(j, "body") != NULL};
    char err[256] = "";
    if (op != NULL && strcmp(op, "canonical") == 0 && pl->canonical != NULL) {
        size_t cap = 4096, len = 0;
        char *buf = NULL;
        int rc;
        do {
            char *grown = realloc(buf, cap *= 2);
            if (grown == NULL) {
                free(buf);
                return NULL;
            }
            buf = grown;
            rc = pl->canonical(&req, buf, cap, &len, err, sizeof err);
        } while (rc == QSHCHECK_TOO_SMALL && cap < (size_t)1 << 30);
        if (rc == QSHCHECK_OK && len <= cap) {
            out = json_pack("{s:I, s:{s:s%}}", "id", id, "result", "canonicalRequest", buf, len);
        } else {
            out =
                json_pack("{s:I, s:{s:s}}", "id", id, "error", "status", err[0] ? err : "rejected");
        }
        free(buf);
    } else if (op != NULL && strcmp(op, "qsh") == 0 && pl->qsh != NULL) {
        char hex[QSHCHECK_HEX_SIZE] = "";
        if (pl->qsh(&req, hex, err, sizeof err) == QSHCHECK_OK) {
            hex[QSHCHECK_HEX_SIZE - 1] = '\0';
            out = json_pack("{s:I, s:{s:s}}", "id", id, "result", "qsh", hex);
        } else {
            out =
                json_pack("{s:I, s:{s:s}}", "id", id, "error", "status", err[0] ? err : "rejected");
        }
    } else if (op != NULL && strcmp(op, "verify") == 0 && has_verify(pl)) {
        out = serve_verify(pl, j, id, req);
    } else {
        out = json_pack("{s:I, s:s}", "id", id, "skipped", "operation not offered by the plugin");
    }
    return out;
}

static json_t *plugin_operations(void *ud) {
    const qshcheck_plugin_table_v1 *pl = ud;
    json_t *ops = json_array();
    if (pl->canonical) {
        json_array_append_new(ops, json_string("canonical"));
    }
    if (pl->qsh) {
        json_array_append_new(ops, json_string("qsh"));
    }
    if (has_verify(pl)) {
        json_array_append_new(ops, json_string("verify"));
    }
    return ops;
}

int cmd_plugin_host(int argc, char **argv) {
    static const char usage[] =
        "usage: qshcheck plugin-host LIB.so   (started by `qshcheck run --plugin`)\n";
    const char *lib = NULL;
    cli_spec spec = {usage, NULL, 0, &lib, 1, 0};
    int pr = cli_parse(argc, argv, &spec);
    if (pr != CLI_PARSED) {
        return cli_parse_exit(pr);
    }
    if (lib == NULL) {
        return cli_usage_error(usage, "give the plugin LIB.so");
    }
    void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        fprintf(stderr, "qshcheck plugin-host: cannot load %s: %s\n", lib, dlerror());
        return QC_EXIT_IO;
    }
    qshcheck_plugin_v1_fn fn;
    *(void **)&fn = dlsym(h, QSHCHECK_PLUGIN_SYMBOL);
    const qshcheck_plugin_table_v1 *pl = fn ? fn() : NULL;
    if (pl == NULL || pl->abi_version != QSHCHECK_PLUGIN_ABI ||
        pl->struct_size < QSHCHECK_PLUGIN_V1_MIN_SIZE || pl->name == NULL) {
        fprintf(stderr, "qshcheck plugin-host: %s has no %s, or a table of another ABI (want %u)\n",
                lib, QSHCHECK_PLUGIN_SYMBOL, QSHCHECK_PLUGIN_ABI);
        return QC_EXIT_IO;
    }
    qc_server srv = {"plugin-host", (void *)pl,        pl->name,
                     pl->version,   plugin_operations, plugin_answer};
    return qc_serve_lines(&srv, stdin, stdout);
}
