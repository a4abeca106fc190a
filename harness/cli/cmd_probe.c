/* `qshcheck probe`: play the product toward an app's endpoints and report what it accepts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "corpus/files.h"
#include "judge/report.h"
#include "probe/jwt.h"
#include "probe/keyserver.h"
#include "probe/plan.h"
#include "probe/report.h"
#include "probe/send.h"

static const char usage[] =
    "usage: qshcheck probe --secret S --client-key K --route KIND=URL [--route ...]\n"
    "                      [--base-url URL] [--key-server 127.0.0.1:PORT]\n"
    "                      [--format text|json|junit] [--rate N] [--timeout S]\n"
    "\n"
    "Plays the product (Jira, Confluence, Bitbucket) toward a running app: to each route it\n"
    "sends requests a correct app must accept (query shapes, encodings and repeats of the\n"
    "corpus) and attacks it must reject (a qsh of another request, context-qsh where it does\n"
    "not belong, no qsh, alg none, expired and future tokens, a tampered signature, two\n"
    "carriers, a token of another tenant), signed as the tenant K with the shared secret S.\n"
    "\n"
    "KIND  module     GET, the token in ?jwt= (an iframe URL)\n"
    "      webhook    POST with a JSON body, the token in Authorization: JWT\n"
    "      lifecycle  POST of the installed, uninstalled, enabled or disabled event named by\n"
    "                 the URL's last segment, HS256 as Bitbucket signs it; with\n"
    "                 --key-server, a signed install (RS256, aud the app's baseUrl)\n"
    "      context    an endpoint for AP.context.getToken() tokens (qsh context-qsh)\n"
    "--base-url  the app's baseUrl, whose path is not hashed (default: each route's origin)\n"
    "--key-server  serve the public key of signed installs at http://ADDR/KID while the probe\n"
    "            runs (the app is started pointed there, as at connect-install-keys); the\n"
    "            keys are made fresh for each run\n"
    "--rate      requests per second at most (default: no limit)\n"
    "--timeout   seconds to wait for each answer (default 10)\n"
    "\n"
    "2xx is accepted, 401 and 403 rejected, anything else other. A valid request not accepted\n"
    "is an interop failure, an attack accepted a security failure; each is shown with its\n"
    "request.\n"
    "\n"
    "exit status: 0 no failure; 1 an interop or security failure; 2 bad arguments; 3 the\n"
    "corpus cannot be read, libcurl cannot start or the report cannot be written.\n";

typedef struct probe_opts {
    const char *secret, *client_key, *base_url, *format, *key_server;
    cli_list routes;
    double rate, timeout;
} probe_opts;

static int parse(int argc, char **argv, probe_opts *o) {
    const cli_option table[] = {
        {"secret", CLI_STRING, &o->secret, 0, 0, NULL},
        {"client-key", CLI_STRING, &o->client_key, 0, 0, NULL},
        {"route", CLI_LIST, &o->routes, 0, 0, "at most 32 routes"},
        {"base-url", CLI_STRING, &o->base_url, 0, 0, NULL},
        {"key-server", CLI_STRING, &o->key_server, 0, 0, NULL},
        {"format", CLI_STRING, &o->format, 0, 0, NULL},
        {"rate", CLI_SECONDS, &o->rate, 0, 100000, "requests per second up to 100000"},
        {"timeout", CLI_SECONDS, &o->timeout, 0, 3600, "seconds up to 3600"},
    };
    cli_spec spec = {usage, table, sizeof table / sizeof table[0], NULL, 0, 0};
    return cli_parse(argc, argv, &spec);
}

/* Reads the routes and builds every request: 0, or an exit status. */
static int plan_all(const probe_opts *o, const qc_probe_keys *keys, qc_probe_route *routes,
                    qc_probe_plan *plan) {
    qc_probe_config cfg = {
        o->secret, o->client_key, o->base_url, (int64_t)time(NULL), qc_default_vectors_dir(), keys};
    char err[1024];
    for (size_t k = 0; k < o->routes.count; k++) {
        const char *r = o->routes.items[k];
        const char *eq = strchr(r, '=');
        if (eq == NULL || qc_route_kind_parse(r, (size_t)(eq - r), &routes[k].kind) != 0) {
            return cli_usage_error(usage,
                                   "--route needs KIND=URL with KIND module, webhook, "
                                   "lifecycle or context, not '%s'",
                                   r);
        }
        routes[k].url = eq + 1;
        int planned = qc_probe_plan_route(plan, &cfg, k, routes[k].kind, eq + 1, err, sizeof err);
        if (planned > 0) {
            return cli_usage_error(usage, "%s", err);
        }
        if (planned < 0) {
            qc_print_error(err);
            return QC_EXIT_IO;
        }
    }
    return 0;
}

static int run_probe(const probe_opts *o, qc_format format) {
    qc_probe_route routes[CLI_LIST_MAX];
    qc_probe_plan plan = {NULL, 0, 0};
    qc_probe_result *results = NULL;
    qc_probe_sender *sender = NULL;
    qc_probe_keys *keys = NULL;
    qc_keyserver *keyserver = NULL;
    char err[256];
    int rc = QC_EXIT_IO;
    if (o->key_server != NULL) {
        int bad_addr = 0;
        if ((keys = qc_probe_keys_new(err, sizeof err)) == NULL ||
            (keyserver = qc_keyserver_start(o->key_server, qc_probe_keys_kid(keys),
                                            qc_probe_keys_public_pem(keys), &bad_addr, err,
                                            sizeof err)) == NULL) {
            rc = bad_addr ? cli_usage_error(usage, "%s", err) : (qc_print_error(err), QC_EXIT_IO);
            goto done;
        }
    }
    rc = plan_all(o, keys, routes, &plan);
    if (rc != 0) {
        goto done;
    }
    rc = QC_EXIT_IO;
    results = calloc(plan.count ? plan.count : 1, sizeof *results);
    sender = results ? qc_probe_sender_new(o->timeout, o->rate, err, sizeof err) : NULL;
    if (sender == NULL) {
        qc_print_error(results ? err : "out of memory");
        goto done;
    }
    for (size_t i = 0; i < plan.count; i++) {
        qc_probe_send(sender, &plan.reqs[i], &results[i]);
    }
    qc_probe_tally tally;
    if (qc_probe_report(stdout, format, routes, o->routes.count, &plan, results, &tally) != 0 ||
        fflush(stdout) != 0) {
        qc_print_error("cannot write the report");
        goto done;
    }
    rc = tally.interop || tally.security ? QC_EXIT_FAIL : QC_EXIT_OK;
done:
    qc_keyserver_stop(keyserver);
    qc_probe_keys_free(keys);
    qc_probe_sender_free(sender);
    free(results);
    qc_probe_plan_free(&plan);
    return rc;
}

int cmd_probe(int argc, char **argv) {
    probe_opts o;
    memset(&o, 0, sizeof o);
    o.timeout = 10;
    int pr = parse(argc, argv, &o);
    if (pr != CLI_PARSED) {
        return cli_parse_exit(pr);
    }
    if (o.secret == NULL || o.client_key == NULL || o.routes.count == 0) {
        return cli_usage_error(usage, "probe needs --secret, --client-key and --route");
    }
    if (o.secret[0] == '\0' || o.client_key[0] == '\0') {
        return cli_usage_error(usage, "--secret and --client-key must not be empty");
    }
    qc_format format = QC_FORMAT_TEXT;
    if (o.format != NULL && (qc_format_parse(o.format, &format) != 0 || format == QC_FORMAT_TAP)) {
        return cli_usage_error(usage, "unknown format '%s' (text, json or junit)", o.format);
    }
    return run_probe(&o, format);
}
