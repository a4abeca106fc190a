/* `qshcheck canonical` and `qshcheck qsh`: one request from the command line. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "qsh/qsh.h"
#include "corpus/request.h"

static const char usage_canonical[] =
    "usage: qshcheck canonical [--base-url URL] [--profile server|product]\n"
    "                          [--body DATA --content-type TYPE] METHOD TARGET\n"
    "\n"
    "Prints the canonical request of METHOD TARGET and a newline. TARGET is the request\n"
    "target as sent (\"/path?query\") or an absolute URL on the base URL's origin.\n"
    "\n"
    "  --base-url URL       the tenant's (or app's) base URL; its path is stripped\n"
    "  --profile P          server (default): the path as sent; product: the path decoded,\n"
    "                       as a product signs requests to an app\n"
    "  --body DATA          a request body, counted for POST and PUT when\n"
    "  --content-type TYPE  is application/x-www-form-urlencoded\n"
    "\n"
    "A request the rules cannot canonicalize prints its status on stderr and exits 2.\n";

static const char usage_qsh[] =
    "usage: qshcheck qsh [--base-url URL] [--profile server|product]\n"
    "                    [--body DATA --content-type TYPE] METHOD TARGET\n"
    "\n"
    "Prints the query string hash (64 lowercase hex digits) of METHOD TARGET: the SHA-256\n"
    "of the canonical request. The options are those of `qshcheck canonical --help`.\n"
    "\n"
    "A request the rules cannot canonicalize prints its status on stderr and exits 2.\n";

int cmd_canonical(int argc, char **argv, int want_qsh) {
    const char *usage = want_qsh ? usage_qsh : usage_canonical;
    const char *base_url = "", *profile = "server", *body = NULL, *content_type = NULL;
    const char *pos[2];
    const cli_option opts[] = {
        {"base-url", CLI_STRING, &base_url, 0, 0, NULL},
        {"profile", CLI_STRING, &profile, 0, 0, NULL},
        {"body", CLI_STRING, &body, 0, 0, NULL},
        {"content-type", CLI_STRING, &content_type, 0, 0, NULL},
    };
    cli_spec spec = {usage, opts, sizeof opts / sizeof opts[0], pos, 2, 0};
    int pr = cli_parse(argc, argv, &spec);
    if (pr != CLI_PARSED) {
        return cli_parse_exit(pr);
    }
    size_t npos = spec.npos;
    if (npos != 2) {
        return cli_usage_error(usage, "expected METHOD and TARGET");
    }
    if ((body == NULL) != (content_type == NULL)) {
        return cli_usage_error(usage, "--body and --content-type go together");
    }
    qsh_request req;
    qc_request_from_args(&req, pos[0], pos[1], base_url, body, content_type);
    if (qc_profile_parse(profile, strlen(profile), &req.profile) != 0) {
        return cli_usage_error(usage, "unknown profile '%s' (server or product)", profile);
    }

    qsh_ctx *ctx = qsh_ctx_new();
    size_t bound = qsh_canonical_bound(&req);
    char *out = malloc(bound ? bound : 1);
    char hex[QSH_HEX_SIZE];
    qsh_canonical parts;
    qsh_status st = QSH_E_NO_MEMORY;
    if (ctx != NULL && out != NULL) {
        st = qsh_canonicalize(ctx, &req, out, bound ? bound : 1, &parts);
        if (st == QSH_OK && want_qsh) {
            st = qsh_sha256_hex(ctx, out, parts.len, hex);
        }
    }
    int rc = QC_EXIT_OK;
    if (st != QSH_OK) {
        fprintf(stderr, "qshcheck: %s: %s\n", qsh_status_name(st), qsh_status_message(st));
        rc = QC_EXIT_USAGE;
    } else if (want_qsh) {
        printf("%s\n", hex);
    } else {
        fwrite(out, 1, parts.len, stdout);
        fputc('\n', stdout);
    }
    free(out);
    qsh_ctx_free(ctx);
    return rc;
}
