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

/* The plugin is not trusted: its err may fill the buffer without a NUL or hold bytes that are
 * not UTF-8, its return code may be none of the three, its len may lie. */

/* A request longer than this cannot be a line of the protocol: a plugin still asking for more
 * is broken. */
#define MAX_CANONICAL ((size_t)64 * 1024 * 1024)

/* The plugin's err as a JSON string: the bytes up to the first NUL or the buffer's end, each
 * byte outside printable ASCII as '?' when they are not UTF-8. */
static json_t *err_string(const char *err, size_t cap) {
    size_t n = 0;
    while (n < cap && err[n] != '\0') {
        n++;
    }
    if (n == 0) {
        return json_string("rejected");
    }
    json_t *s = json_stringn(err, n);
    if (s != NULL) {
        return s;
    }
    char clean[512];
    n = n < sizeof clean ? n : sizeof clean;
    for (size_t i = 0; i < n; i++) {
        clean[i] = err[i] >= 0x20 && err[i] < 0x7f ? err[i] : '?';
    }
    return json_stringn(clean, n);
}

static json_t *rejected(json_int_t id, const char *err, size_t cap) {
    return json_pack("{s:I, s:{s:o}}", "id", id, "error", "status", err_string(err, cap));
}

/* The answer for a plugin that broke its contract: the case fails as broken, with why (the
 * line protocol's "broken" answer). */
static json_t *broken(json_int_t id, const char *fn, const char *what) {
    char why[300];
    snprintf(why, sizeof why, "the plugin is broken: %s %s", fn, what);
    return json_pack("{s:I, s:s}", "id", id, "broken", why);
}

static json_t *broken_rc(json_int_t id, const char *fn, int rc) {
    char what[120];
    snprintf(what, sizeof what, "returned %d, which is none of QSHCHECK_OK, _REJECTED, _TOO_SMALL",
             rc);
    return broken(id, fn, what);
}

static int is_hex64(const char *hex) {
    for (int i = 0; i < 64; i++) {
        if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f'))) {
            return 0;
        }
    }
    return 1;
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
    if (json_object_get(j, "jwks") != NULL) { /* a Forge Invocation Token: ABI 1 has no JWKS */
        return json_pack("{s:I, s:s}", "id", id, "skipped",
                         "the plugin ABI carries no JWKS (Forge Invocation Tokens)");
    }
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
    int rc = pl->verify(&vr, err, sizeof err);
    if (rc == QSHCHECK_OK) {
        return json_pack("{s:I, s:{s:b}}", "id", id, "result", "valid", 1);
    }
    if (rc == QSHCHECK_REJECTED) {
        return rejected(id, err, sizeof err);
    }
    return broken_rc(id, "verify", rc);
}

/* The canonical operation, growing the buffer while the plugin asks, up to MAX_CANONICAL. */
static json_t *serve_canonical(const qshcheck_plugin_table_v1 *pl, json_int_t id,
                               const qshcheck_request *req) {
    char err[256] = "";
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
        len = 0;
        rc = pl->canonical(req, buf, cap, &len, err, sizeof err);
    } while (rc == QSHCHECK_TOO_SMALL && cap < MAX_CANONICAL);
    json_t *out = NULL;
    char what[160];
    if (rc == QSHCHECK_OK && len > cap) {
        snprintf(what, sizeof what, "returned QSHCHECK_OK with len %zu, past its buffer of %zu",
                 len, cap);
        out = broken(id, "canonical", what);
    } else if (rc == QSHCHECK_OK) {
        json_t *text = json_stringn(buf, len);
        out = text ? json_pack("{s:I, s:{s:o}}", "id", id, "result", "canonicalRequest", text)
                   : broken(id, "canonical", "wrote a request that is not UTF-8");
    } else if (rc == QSHCHECK_REJECTED) {
        out = rejected(id, err, sizeof err);
    } else if (rc == QSHCHECK_TOO_SMALL) {
        snprintf(what, sizeof what, "still returned QSHCHECK_TOO_SMALL for a buffer of %zu MiB",
                 cap >> 20);
        out = broken(id, "canonical", what);
    } else {
        out = broken_rc(id, "canonical", rc);
    }
    free(buf);
    return out;
}

static json_t *serve_qsh(const qshcheck_plugin_table_v1 *pl, json_int_t id,
                         const qshcheck_request *req) {
    char err[256] = "", hex[QSHCHECK_HEX_SIZE] = "";
    int rc = pl->qsh(req, hex, err, sizeof err);
    if (rc == QSHCHECK_OK) {
        hex[QSHCHECK_HEX_SIZE - 1] = '\0';
        return is_hex64(hex) ? json_pack("{s:I, s:{s:s}}", "id", id, "result", "qsh", hex)
                             : broken(id, "qsh",
                                      "returned QSHCHECK_OK with a qsh that is not 64 lowercase "
                                      "hex digits");
    }
    if (rc == QSHCHECK_REJECTED) {
        return rejected(id, err, sizeof err);
    }
    return broken_rc(id, "qsh", rc);
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
    if (op != NULL && strcmp(op, "canonical") == 0 && pl->canonical != NULL) {
        out = serve_canonical(pl, id, &req);
    } else if (op != NULL && strcmp(op, "qsh") == 0 && pl->qsh != NULL) {
        out = serve_qsh(pl, id, &req);
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
        "usage: qshcheck plugin-host LIB.so   (started by `qshcheck run --plugin`)\n"
        "\n"
        "LIB.so is a file: a name without a '/' is in the current directory. A plugin that breaks\n"
        "its contract (a return code none of the three, QSHCHECK_OK with len past cap,\n"
        "QSHCHECK_TOO_SMALL up to 64 MiB, a qsh that is not 64 hex digits) gets a \"broken\"\n"
        "answer: the case fails, whatever its expectation.\n";
    const char *lib = NULL;
    cli_spec spec = {usage, NULL, 0, &lib, 1, 0};
    int pr = cli_parse(argc, argv, &spec);
    if (pr != CLI_PARSED) {
        return cli_parse_exit(pr);
    }
    if (lib == NULL) {
        return cli_usage_error(usage, "give the plugin LIB.so");
    }
    /* dlopen would search the library path for a name without a '/': the user means a file. */
    char here[4096];
    if (strchr(lib, '/') == NULL) {
        snprintf(here, sizeof here, "./%s", lib);
        lib = here;
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
