/* `qshcheck token sign|verify|decode`: Connect JWTs from the command line. */
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "judge/report.h"
#include "cli/token_decode.h"
#include "qsh/qsh.h"
#include "corpus/request.h"
#include "corpus/token_case.h"
#include "corpus/vectors.h"

static const char usage[] =
    "usage: qshcheck token sign --secret S [--iss ISS] [--aud AUD] [--sub SUB] [--ttl SECONDS]\n"
    "                           [--now T] [--base-url URL] [--profile server|product]\n"
    "                           [--context JSON] [--qsh VALUE] METHOD TARGET\n"
    "       qshcheck token sign --kind forge-invocation --private-key PEM_FILE --kid KID\n"
    "                           --app-id ID [--installation-id ARI] [--api-base-url URL]\n"
    "                           [--ttl SECONDS] [--now T] [--context JSON]\n"
    "       qshcheck token verify (--secret S | --public-key PEM_FILE)\n"
    "                           [--kind module|webhook|context|install|app-to-product|\n"
    "                                   lifecycle]\n"
    "                           [--now T] [--leeway S] [--base-url URL] [--profile P]\n"
    "                           [--header 'Authorization: JWT ...'] [--audience AUD]\n"
    "                           [--client-key KEY] [--sub SUB] METHOD TARGET\n"
    "       qshcheck token verify --kind forge-invocation --jwks JWKS_FILE --app-id ID\n"
    "                           [--now T] [--leeway S] --header 'Authorization: Bearer ...'\n"
    "       qshcheck token decode TOKEN\n"
    "\n"
    "sign    prints an HS256 token for the request: iss (default qshcheck), iat = now, exp =\n"
    "        now + ttl (default 180), qsh of the request (or --qsh, e.g. context-qsh).\n"
    "verify  checks the token the request carries (--header, or a jwt parameter in TARGET)\n"
    "        with every rule of the strict verifier; prints `valid`, or `invalid REASON` and\n"
    "        why. The profile defaults to server for app-to-product and product otherwise;\n"
    "        an install needs --audience (the app's baseUrl) and --client-key; --sub is the\n"
    "        sub expected (Bitbucket's app-to-product tokens: the clientKey). A Forge\n"
    "        Invocation Token is verified with the keys of JWKS_FILE only (never fetched), for\n"
    "        the app ID (bare or as ari:cloud:ecosystem::app/ID); METHOD TARGET are optional.\n"
    "        sign --kind forge-invocation writes an RS256 FIT with a test key, for tests.\n"
    "decode  prints the kind of token it sees (connect, connect-context, signed-install or\n"
    "        forge-invocation), the header and claims as JSON without verifying anything, and "
    "warns on\n"
    "        stderr about whatever the strict verifier would reject. TOKEN may be pasted as\n"
    "        \"JWT <token>\" and with blanks around it; a header or claims segment that is not\n"
    "        UTF-8 cannot be shown as JSON and exits 2.\n"
    "\n"
    "exit status: 0 signed, valid or decoded; 1 invalid; 2 bad arguments or an input that\n"
    "cannot be used; 3 a key file that cannot be read or is not a regular file.\n";

typedef struct opts {
    const char *secret, *public_key, *iss, *aud, *sub, *kind, *base_url, *profile, *header,
        *audience, *client_key, *context, *qsh, *jwks, *app_id, *private_key, *kid,
        *installation_id, *api_base_url;
    long long ttl, now, leeway;
    const char *pos[2];
    int npos;
} opts;

static int parse_opts(int argc, char **argv, opts *o) {
    const cli_option table[] = {
        {"secret", CLI_STRING, &o->secret, 0, 0, NULL},
        {"public-key", CLI_STRING, &o->public_key, 0, 0, NULL},
        {"iss", CLI_STRING, &o->iss, 0, 0, NULL},
        {"aud", CLI_STRING, &o->aud, 0, 0, NULL},
        {"sub", CLI_STRING, &o->sub, 0, 0, NULL},
        {"kind", CLI_STRING, &o->kind, 0, 0, NULL},
        {"base-url", CLI_STRING, &o->base_url, 0, 0, NULL},
        {"profile", CLI_STRING, &o->profile, 0, 0, NULL},
        {"header", CLI_STRING, &o->header, 0, 0, NULL},
        {"audience", CLI_STRING, &o->audience, 0, 0, NULL},
        {"client-key", CLI_STRING, &o->client_key, 0, 0, NULL},
        {"context", CLI_STRING, &o->context, 0, 0, NULL},
        {"qsh", CLI_STRING, &o->qsh, 0, 0, NULL},
        {"jwks", CLI_STRING, &o->jwks, 0, 0, NULL},
        {"app-id", CLI_STRING, &o->app_id, 0, 0, NULL},
        {"private-key", CLI_STRING, &o->private_key, 0, 0, NULL},
        {"kid", CLI_STRING, &o->kid, 0, 0, NULL},
        {"installation-id", CLI_STRING, &o->installation_id, 0, 0, NULL},
        {"api-base-url", CLI_STRING, &o->api_base_url, 0, 0, NULL},
        {"ttl", CLI_INTEGER, &o->ttl, 1, 86400.0 * 366, "whole seconds from 1 to 31622400"},
        {"now", CLI_INTEGER, &o->now, 0, 253402300799.0, "a time in whole seconds since 1970"},
        {"leeway", CLI_INTEGER, &o->leeway, 0, 86400, "whole seconds from 0 to 86400"},
    };
    /* argv[0] is the subcommand (sign, verify, decode); its options follow. */
    cli_spec spec = {usage, table, sizeof table / sizeof table[0], o->pos, 2, 0};
    int r = cli_parse(argc - 1, argv + 1, &spec);
    o->npos = (int)spec.npos;
    return r;
}

static int fill_request(const opts *o, const char *dflt_profile, qsh_request *r) {
    const char *profile = o->profile ? o->profile : dflt_profile;
    qc_request_from_args(r, o->pos[0], o->pos[1], o->base_url, NULL, NULL);
    if (qc_profile_parse(profile, strlen(profile), &r->profile) != 0) {
        return cli_usage_error(usage, "unknown profile '%s' (server or product)", profile);
    }
    return 0;
}

static int token_sign(const opts *o, qsh_ctx *ctx) {
    if (o->secret == NULL || o->npos != 2) {
        return cli_usage_error(usage, "token sign needs --secret, METHOD and TARGET");
    }
    qsh_sign_params p;
    memset(&p, 0, sizeof p);
    if (fill_request(o, "server", &p.request) != 0) {
        return QC_EXIT_USAGE;
    }
    p.iss = o->iss ? o->iss : "qshcheck";
    p.iss_len = strlen(p.iss);
    p.sub = o->sub;
    p.sub_len = o->sub ? strlen(o->sub) : 0;
    p.aud = o->aud;
    p.aud_len = o->aud ? strlen(o->aud) : 0;
    p.context_json = o->context;
    p.context_json_len = o->context ? strlen(o->context) : 0;
    p.qsh = o->qsh;
    p.qsh_len = o->qsh ? strlen(o->qsh) : 0;
    p.iat = o->now;
    p.exp = o->now + o->ttl;
    p.secret = (const unsigned char *)o->secret;
    p.secret_len = strlen(o->secret);
    char out[16384];
    size_t n;
    qsh_status st = qsh_token_sign(ctx, &p, out, sizeof out, &n);
    if (st != QSH_OK) {
        fprintf(stderr, "qshcheck: %s: %s\n", qsh_status_name(st), qsh_status_message(st));
        return QC_EXIT_USAGE;
    }
    printf("%s\n", out);
    return QC_EXIT_OK;
}

typedef struct cli_keys {
    const char *secret;
    char *pem;
    size_t pem_len;
} cli_keys;

static qsh_status cli_lookup(void *ud, int rs256, const char *iss, size_t iss_len, const char *kid,
                             size_t kid_len, const unsigned char **key, size_t *key_len) {
    cli_keys *k = ud;
    (void)iss;
    (void)iss_len;
    (void)kid;
    (void)kid_len;
    if (rs256 ? k->pem == NULL : k->secret == NULL) {
        return rs256 ? QSH_E_KEY_UNKNOWN : QSH_E_ISS_UNKNOWN;
    }
    *key = rs256 ? (const unsigned char *)k->pem : (const unsigned char *)k->secret;
    *key_len = rs256 ? k->pem_len : strlen(k->secret);
    return QSH_OK;
}

/* Reads a key file (what: "the public key", "the JWKS", ...) whole; NULL with a message when it
 * is not a regular file, cannot be read, or is over 64 KiB, far more than any PEM key and
 * QSH_MAX_JWKS_LEN (refused rather than cut short). */
static char *read_file(const char *path, const char *what, size_t *len, char *err, size_t errcap) {
    enum { MAX_KEY_FILE = 65536 };
    FILE *f = qc_open_regular(path, what, err, errcap);
    char *buf = f ? malloc(MAX_KEY_FILE + 1) : NULL;
    if (buf != NULL) {
        *len = fread(buf, 1, MAX_KEY_FILE + 1, f);
        if (*len > MAX_KEY_FILE || ferror(f)) {
            snprintf(err, errcap, "cannot read %s %s (or it is over 64 KiB)", what, path);
            free(buf);
            buf = NULL;
        } else {
            buf[*len] = '\0';
        }
    } else if (f != NULL) {
        snprintf(err, errcap, "out of memory");
    }
    if (f != NULL) {
        fclose(f);
    }
    return buf;
}

/* What verify prints and exits with: a usage error for a kind or an argument the verifier
 * cannot take, else `valid`, or `invalid REASON` and why. */
static int print_verdict(qsh_status st) {
    if (st == QSH_E_KIND_INVALID || st == QSH_E_NULL_ARG) {
        return cli_usage_error(usage, "%s", qsh_status_message(st));
    }
    if (st == QSH_OK) {
        printf("valid\n");
        return QC_EXIT_OK;
    }
    printf("invalid %s\n%s\n", qsh_reason_code(st), qsh_status_message(st));
    return QC_EXIT_FAIL;
}

/* --header's value: an "Authorization:" (either case of its first letter) and one blank after
 * it dropped, as pasted from a request. */
static const char *header_value(const char *h) {
    if (strncmp(h, "Authorization:", 14) == 0 || strncmp(h, "authorization:", 14) == 0) {
        h += 14 + (h[14] == ' ');
    }
    return h;
}

static int token_verify(const opts *o, qsh_ctx *ctx) {
    if ((o->secret == NULL) == (o->public_key == NULL) || o->npos != 2) {
        return cli_usage_error(usage, "token verify needs one of --secret and --public-key, METHOD "
                                      "and TARGET");
    }
    qsh_verify_params p;
    memset(&p, 0, sizeof p);
    const char *kind = o->kind ? o->kind : "module";
    if (qc_kind_parse(kind, strlen(kind), &p.kind) != 0) {
        return cli_usage_error(usage, "unknown kind '%s'", kind);
    }
    if (fill_request(o, p.kind == QSH_KIND_APP_TO_PRODUCT ? "server" : "product", &p.request)) {
        return QC_EXIT_USAGE;
    }
    if (o->header != NULL) {
        p.authorization = header_value(o->header);
        p.authorization_len = strlen(p.authorization);
    }
    p.now = o->now;
    p.leeway = o->leeway;
    p.audience = o->audience;
    p.audience_len = o->audience ? strlen(o->audience) : 0;
    p.client_key = o->client_key;
    p.client_key_len = o->client_key ? strlen(o->client_key) : 0;
    p.subject = o->sub;
    p.subject_len = o->sub ? strlen(o->sub) : 0;
    cli_keys keys = {o->secret, NULL, 0};
    char err[1024];
    if (o->public_key != NULL && (keys.pem = read_file(o->public_key, "the public key",
                                                       &keys.pem_len, err, sizeof err)) == NULL) {
        qc_print_error(err);
        return QC_EXIT_IO;
    }
    p.lookup = cli_lookup;
    p.lookup_ud = &keys;
    qsh_status st = qsh_token_verify(ctx, &p);
    free(keys.pem);
    return print_verdict(st);
}

static int is_fit_kind(const opts *o) {
    return o->kind != NULL && strcmp(o->kind, "forge-invocation") == 0;
}

/* The app's ARI from a bare id or the ARI itself, as the verifier reads --app-id. */
static void app_ari(const char *id, char *out, size_t cap) {
    const char *prefix = "ari:cloud:ecosystem::app/";
    snprintf(out, cap, "%s%s", strncmp(id, prefix, strlen(prefix)) == 0 ? "" : prefix, id);
}

static int fit_sign(const opts *o) {
    if (o->private_key == NULL || o->kid == NULL || o->app_id == NULL || o->npos != 0) {
        return cli_usage_error(usage, "token sign --kind forge-invocation needs --private-key, "
                                      "--kid and --app-id, and no METHOD or TARGET");
    }
    char ari[512], err[1024];
    app_ari(o->app_id, ari, sizeof ari);
    json_t *context = NULL;
    if (o->context != NULL) {
        json_error_t je;
        context = json_loads(o->context, JSON_REJECT_DUPLICATES, &je);
        if (!json_is_object(context)) {
            json_decref(context);
            return cli_usage_error(usage, "--context is not a JSON object");
        }
    }
    json_t *claims = json_pack(
        "{s:s, s:s, s:I, s:I, s:I, s:{s:s, s:s, s:s, s:{s:s}}}", "iss", "forge/invocation-token",
        "aud", ari, "iat", (json_int_t)o->now, "nbf", (json_int_t)o->now, "exp",
        (json_int_t)(o->now + o->ttl), "app", "id", ari, "installationId",
        o->installation_id ? o->installation_id : "ari:cloud:ecosystem::installation/qshcheck",
        "apiBaseUrl",
        o->api_base_url ? o->api_base_url : "https://api.atlassian.com/ex/jira/qshcheck",
        "environment", "type", "DEVELOPMENT");
    if (claims != NULL && context != NULL) {
        json_object_set_new(claims, "context", context);
    } else {
        json_decref(context);
    }
    char *text = claims ? json_dumps(claims, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(claims);
    size_t pem_len = 0, n = 0;
    char *pem =
        text ? read_file(o->private_key, "the private key", &pem_len, err, sizeof err) : NULL;
    if (text == NULL || pem == NULL) {
        qc_print_error(text == NULL ? "out of memory, or a claim that is not UTF-8" : err);
        free(text);
        return text == NULL ? QC_EXIT_USAGE : QC_EXIT_IO;
    }
    char out[16384];
    qsh_status st = qsh_token_sign_rs256(o->kid, strlen(o->kid), text, strlen(text),
                                         (const unsigned char *)pem, pem_len, out, sizeof out, &n);
    OPENSSL_cleanse(pem, pem_len);
    free(pem);
    free(text);
    if (st != QSH_OK) {
        fprintf(stderr, "qshcheck: %s: %s\n", qsh_status_name(st), qsh_status_message(st));
        return QC_EXIT_USAGE;
    }
    printf("%s\n", out);
    return QC_EXIT_OK;
}

static int fit_verify(const opts *o, qsh_ctx *ctx) {
    if (o->jwks == NULL || o->app_id == NULL || o->secret != NULL || o->public_key != NULL ||
        (o->npos != 0 && o->npos != 2)) {
        return cli_usage_error(usage, "token verify --kind forge-invocation needs --jwks and "
                                      "--app-id (not --secret or --public-key)");
    }
    qsh_verify_params p;
    memset(&p, 0, sizeof p);
    p.kind = QSH_KIND_FORGE_INVOCATION;
    opts q = *o; /* a FIT hashes no request: METHOD and TARGET are optional */
    if (q.npos == 0) {
        q.pos[0] = "POST";
        q.pos[1] = "/";
    }
    if (fill_request(&q, "product", &p.request) != 0) {
        return QC_EXIT_USAGE;
    }
    if (o->header != NULL) {
        p.authorization = header_value(o->header);
        p.authorization_len = strlen(p.authorization);
    }
    p.now = o->now;
    p.leeway = o->leeway;
    p.app_id = o->app_id;
    p.app_id_len = strlen(o->app_id);
    char err[1024];
    size_t jwks_len = 0;
    char *jwks = read_file(o->jwks, "the JWKS", &jwks_len, err, sizeof err);
    if (jwks == NULL) {
        qc_print_error(err);
        return QC_EXIT_IO;
    }
    p.jwks = jwks;
    p.jwks_len = jwks_len;
    qsh_status st = qsh_token_verify(ctx, &p);
    free(jwks);
    return print_verdict(st);
}

/* The kind a token looks like, from its unverified header and claims. */
static const char *seen_kind(json_t *h, json_t *c) {
    json_t *iss = json_object_get(c, "iss"), *q = json_object_get(c, "qsh");
    if (json_is_string(iss) && strcmp(json_string_value(iss), "forge/invocation-token") == 0) {
        return "forge-invocation";
    }
    if (json_is_string(q) && strcmp(json_string_value(q), "context-qsh") == 0) {
        return "connect-context";
    }
    json_t *alg = json_object_get(h, "alg");
    if (json_is_string(alg) && strcmp(json_string_value(alg), "RS256") == 0) {
        return "signed-install";
    }
    return "connect";
}

static void warn_claims(json_t *h, json_t *c, int *w) {
    int fit = strcmp(seen_kind(h, c), "forge-invocation") == 0;
    json_t *alg = json_object_get(h, "alg");
    if (!json_is_string(alg) || (strcmp(json_string_value(alg), "HS256") != 0 &&
                                 strcmp(json_string_value(alg), "RS256") != 0)) {
        fprintf(stderr, "warning: alg is neither HS256 nor RS256 (ALG_NOT_ALLOWED)\n");
        (*w)++;
    }
    const char *untrusted[] = {"crit", "jku", "jwk", "x5u", "x5c"};
    for (size_t i = 0; i < 5; i++) {
        if (json_object_get(h, untrusted[i]) != NULL) {
            fprintf(stderr, "warning: the header has %s, which the strict verifier %s\n",
                    untrusted[i], i == 0 ? "rejects (CRIT_UNSUPPORTED)" : "never trusts");
            (*w)++;
        }
    }
    const char *dates[] = {"exp", "iat"};
    for (size_t i = 0; i < 2; i++) {
        json_t *d = json_object_get(c, dates[i]);
        if (!json_is_integer(d) || json_integer_value(d) < 0) {
            fprintf(stderr, "warning: %s is %s\n", dates[i],
                    d ? "not a non-negative integer" : "missing");
            (*w)++;
        }
    }
    if (!json_is_string(json_object_get(c, "iss"))) {
        fprintf(stderr, "warning: iss is missing or not a string (ISS_MISSING)\n");
        (*w)++;
    }
    json_t *q = json_object_get(c, "qsh");
    if (fit) { /* a FIT carries no qsh; it needs the app claim */
        if (!json_is_object(json_object_get(c, "app"))) {
            fprintf(stderr, "warning: the app claim is missing (FIT_APP_INVALID)\n");
            (*w)++;
        }
        if (!json_is_string(json_object_get(h, "kid"))) {
            fprintf(stderr, "warning: kid is missing: no JWKS key can be chosen (KID_INVALID)\n");
            (*w)++;
        }
    } else if (json_is_string(q) && strcmp(json_string_value(q), "context-qsh") == 0) {
        fprintf(stderr, "warning: qsh is context-qsh: valid only on context-token endpoints\n");
        (*w)++;
    } else if (q == NULL) {
        fprintf(stderr, "warning: qsh is missing (QSH_MISSING)\n");
        (*w)++;
    }
}

static int token_decode(const opts *o) {
    if (o->npos != 1) {
        return cli_usage_error(usage, "token decode needs one TOKEN");
    }
    qc_token_parts t;
    if (qc_token_split(o->pos[0], &t) != 0) {
        fprintf(stderr, "qshcheck: the token does not have three segments (SEGMENTS)\n");
        return QC_EXIT_USAGE;
    }
    int w = 0;
    json_t *h = qc_token_segment(t.seg[0], t.len[0], "header", &w);
    json_t *c = h ? qc_token_segment(t.seg[1], t.len[1], "claims", &w) : NULL;
    if (h == NULL || c == NULL) {
        fprintf(stderr, "qshcheck: the token cannot be decoded\n");
        json_decref(h);
        json_decref(c);
        return QC_EXIT_USAGE;
    }
    if (t.total > QSH_MAX_TOKEN_LEN) {
        fprintf(stderr, "warning: the token is over %u bytes (TOKEN_TOO_LARGE)\n",
                QSH_MAX_TOKEN_LEN);
        w++;
    }
    warn_claims(h, c, &w);
    json_t *doc = json_pack("{s:s, s:o, s:o}", "kind", seen_kind(h, c), "header", h, "claims", c);
    json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(doc);
    if (w) {
        fprintf(stderr, "%d warnings: not verified, and the strict verifier would object\n", w);
    }
    return QC_EXIT_OK;
}

int cmd_token(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        if (argc >= 2) {
            fputs(usage, stdout);
            return QC_EXIT_OK;
        }
        return cli_usage_error(usage, "token needs sign, verify or decode");
    }
    opts o;
    memset(&o, 0, sizeof o);
    o.ttl = 180;
    o.now = (long long)time(NULL);
    int pr = parse_opts(argc, argv, &o);
    if (pr != CLI_PARSED) {
        return cli_parse_exit(pr);
    }
    if (strcmp(argv[1], "decode") == 0) {
        return token_decode(&o);
    }
    qsh_ctx *ctx = qsh_ctx_new();
    int rc;
    if (ctx == NULL) {
        fprintf(stderr, "qshcheck: out of memory\n");
        return QC_EXIT_IO;
    }
    if (strcmp(argv[1], "sign") == 0) {
        rc = is_fit_kind(&o) ? fit_sign(&o) : token_sign(&o, ctx);
    } else if (strcmp(argv[1], "verify") == 0) {
        rc = is_fit_kind(&o) ? fit_verify(&o, ctx) : token_verify(&o, ctx);
    } else {
        rc = cli_usage_error(usage, "unknown token command '%s'", argv[1]);
    }
    qsh_ctx_free(ctx);
    return rc;
}
