/* `qshcheck mock-product`: plays Jira or Confluence for an app's outgoing calls, over HTTP. */
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "http/server.h"
#include "qsh/qsh.h"

static const char usage[] =
    "usage: qshcheck mock-product --listen ADDRESS:PORT --base-url URL --app-key KEY\n"
    "                             --secret SECRET [--log FILE] [--leeway SECONDS]\n"
    "                             [--threads N] [--max-connections N]\n"
    "                             [--connection-timeout SECONDS]\n"
    "\n"
    "Answers an app's REST calls as the product would verify them, so that an app can be\n"
    "pointed at it instead of a tenant. --base-url is the tenant's base URL the app was given\n"
    "(its path is the context path, as Confluence's /wiki); --listen is where to listen (an\n"
    "IPv4 address, port 0 for any free port; the address is printed as `listening on URL`).\n"
    "\n"
    "Each call is verified as a product verifies an app's: the token only from the header\n"
    "`Authorization: JWT <token>` (a jwt query parameter is refused), HS256 with --secret,\n"
    "iss --app-key, exp and iat with --leeway (default 0) seconds, and qsh the hash of the\n"
    "request as sent, less the context path (the form body of a POST counts when its type is\n"
    "exactly application/x-www-form-urlencoded). A path outside the context path is 404.\n"
    "\n"
    "  accepted  200 with a small JSON body\n"
    "  rejected  401 with the product's message (\"Expecting claim 'qsh' to have value 'X' but\n"
    "            instead it has the value 'Y'\"), the reason in the header X-Qshcheck-Reason\n"
    "            and the diagnosis (which known mistake gives the app's qsh, the correct\n"
    "            canonical request and where they differ) in X-Qshcheck-Diagnosis\n"
    "\n"
    "Every call is appended to --log as one JSON line before it is answered. GET\n"
    "/_qshcheck/calls.json gives the newest 1000 calls, GET /_qshcheck/ shows them as a page,\n"
    "newest first. Limits: bodies up to 256 KiB (413 beyond), the request line and headers\n"
    "within 32 KiB (414 or 431 beyond), --max-connections (default 256) at once, each closed\n"
    "after --connection-timeout (default 10) idle seconds. Stops on SIGINT or SIGTERM.\n"
    "\n"
    "exit status: 0 stopped by a signal; 2 bad arguments; 3 cannot listen or open the log.\n";

int cmd_mock_product(int argc, char **argv) {
    const char *listen = NULL, *base_url = NULL, *app_key = NULL, *secret = NULL, *log = NULL;
    long long leeway = 0, threads = 2, max_conn = 256, timeout = 10;
    const cli_option opts[] = {
        {"listen", CLI_STRING, &listen, 0, 0, NULL},
        {"base-url", CLI_STRING, &base_url, 0, 0, NULL},
        {"app-key", CLI_STRING, &app_key, 0, 0, NULL},
        {"secret", CLI_STRING, &secret, 0, 0, NULL},
        {"log", CLI_STRING, &log, 0, 0, NULL},
        {"leeway", CLI_INTEGER, &leeway, 0, 86400, "whole seconds from 0 to 86400"},
        {"threads", CLI_INTEGER, &threads, 1, 64, "a whole number from 1 to 64"},
        {"max-connections", CLI_INTEGER, &max_conn, 1, 10000, "a whole number from 1 to 10000"},
        {"connection-timeout", CLI_INTEGER, &timeout, 1, 3600, "whole seconds from 1 to 3600"},
    };
    cli_spec spec = {usage, opts, sizeof opts / sizeof opts[0], NULL, 0, 0};
    int pr = cli_parse(argc, argv, &spec);
    if (pr != CLI_PARSED) {
        return cli_parse_exit(pr);
    }
    if (listen == NULL || base_url == NULL || app_key == NULL || secret == NULL) {
        return cli_usage_error(usage, "give --listen, --base-url, --app-key and --secret");
    }
    /* The base URL must be one the rules take: checked once here, not on every call. */
    qsh_request probe = {"GET", 3, "/",  1, base_url, strlen(base_url), QSH_PROFILE_SERVER,
                         NULL,  0, NULL, 0};
    char hex[QSH_HEX_SIZE];
    qsh_ctx *ctx = qsh_ctx_new();
    qsh_status st = ctx ? qsh_compute(ctx, &probe, hex) : QSH_E_NO_MEMORY;
    qsh_ctx_free(ctx);
    if (st != QSH_OK) {
        return cli_usage_error(usage, "--base-url: %s", qsh_status_message(st));
    }
    qc_server_options o;
    memset(&o, 0, sizeof o);
    o.listen = listen;
    o.product.base_url = base_url;
    o.product.app_key = app_key;
    o.product.secret = secret;
    o.product.leeway = leeway;
    o.log_path = log;
    o.threads = (unsigned)threads;
    o.max_connections = (unsigned)max_conn;
    o.connection_timeout = (unsigned)timeout;
    o.max_body = 256 * 1024;
    o.max_head = 32 * 1024;
    return qc_server_run(&o) == 0 ? QC_EXIT_OK : QC_EXIT_IO;
}
