/* `qshcheck diagnose`: why a verifier rejected a qsh. It computes the correct canonical request
 * of each profile, then the canonical request of every known mistake alone and in pairs, and
 * reports which of them give the values the user holds. It only reports exact matches: when
 * nothing gives a value it says so and lists what it tried. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "mistakes/explain.h"
#include "corpus/request.h"
#include "cli/token_decode.h"
#include "cli/diagnose.h"

static const char usage[] =
    "usage: qshcheck diagnose [--base-url URL] [--profile server|product|both]\n"
    "                         [--body DATA --content-type TYPE]\n"
    "                         [--expected QSH] [--claimed QSH] [--message TEXT]\n"
    "                         [--token JWT] [--json] METHOD TARGET\n"
    "\n"
    "Explains a qsh mismatch such as the 401 \"Expecting claim 'qsh' to have value 'X' but\n"
    "instead it has the value 'Y'\". Give the request as it was sent (METHOD, TARGET as in\n"
    "`qshcheck canonical`, the base URL of the tenant or app) and one or both values:\n"
    "\n"
    "  --expected QSH   the value the verifier computed (X in the message)\n"
    "  --claimed QSH    the value in the token (Y): what the signing library computed\n"
    "  --message TEXT   the whole error message; X and Y are taken from it (so it excludes\n"
    "                   --expected, --claimed and --token)\n"
    "  --token JWT      the token (or \"JWT <token>\"); its qsh claim is the claimed value (so\n"
    "                   it excludes --claimed)\n"
    "  --profile P      the profiles to try (default both): server, the path as sent (an app\n"
    "                   calling a product); product, the path decoded (a product calling an app)\n"
    "  --json           a JSON report for tools (also when the rules reject the request)\n"
    "\n"
    "For each value it prints the canonical request that gives it: the correct one, or one\n"
    "made with a known mistake (alone or with another; `qshcheck mistakes` lists them), with\n"
    "the rule that mistake breaks and where the two canonical requests differ. Without\n"
    "--base-url, when the path's first segment taken as a context path (Confluence's /wiki)\n"
    "explains the values better, it says so and takes that base URL. Notes say when the two\n"
    "values are the same (no mismatch), look swapped, or a POST's form body may be missing.\n"
    "\n"
    "exit status: 0 every value is explained; 1 a value matches nothing tried; 2 bad\n"
    "arguments, or a request the rules reject.\n";

/* Copies a qsh given by the user, lower-cased. 0, or -1 when it is not 64 hex digits. */
static int take_hex(const char *s, size_t n, qc_dvalue *v) {
    if (n != 64) {
        return -1;
    }
    for (size_t i = 0; i < 64; i++) {
        char c = s[i];
        c = (char)(c >= 'A' && c <= 'F' ? c + 32 : c);
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return -1;
        }
        v->hex[i] = c;
    }
    v->hex[64] = '\0';
    v->given = 1;
    return 0;
}

static int is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The two qsh values of an error message: the first run of exactly 64 hex digits is the
 * expected one, the second the claimed one. Returns how many it found. */
static int from_message(const char *m, qc_dvalue *expected, qc_dvalue *claimed) {
    int count = 0;
    size_t n = strlen(m);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && is_hex(m[j])) {
            j++;
        }
        if (j - i == 64 && count < 2) {
            (void)take_hex(m + i, 64, count == 0 ? expected : claimed);
        }
        count += j - i == 64;
        i = j > i ? j : i + 1;
    }
    return count;
}

/* A Forge Invocation Token has no qsh: say so, and which rule of docs/RULES.md ("Forge
 * Invocation Tokens") its header and claims fail, as far as they show without the JWKS. */
static void explain_fit(const qc_token_parts *parts, json_t *claims) {
    int w = 0, bad = 0;
    json_t *h = qc_token_segment(parts->seg[0], parts->len[0], "header", &w);
    json_t *alg = json_object_get(h, "alg"), *aud = json_object_get(claims, "aud");
    json_t *app = json_object_get(claims, "app"), *a;
    const char *ari = "ari:cloud:ecosystem::app/";
    size_t i;
    fputs("qshcheck: this is a Forge Invocation Token (iss forge/invocation-token): it carries no "
          "qsh\n",
          stderr);
    if (!json_is_string(alg) || strcmp(json_string_value(alg), "RS256") != 0) {
        fprintf(stderr, "  header: alg is %s, not RS256 (ALG_NOT_ALLOWED)\n",
                json_is_string(alg) ? json_string_value(alg) : "missing");
        bad++;
    }
    if (!json_is_string(json_object_get(h, "kid"))) {
        fputs("  header: no kid, so no JWKS key can be chosen (KID_INVALID)\n", stderr);
        bad++;
    }
    int aud_ari = json_is_string(aud) && strncmp(json_string_value(aud), ari, strlen(ari)) == 0;
    json_array_foreach(aud, i, a) {
        aud_ari |= json_is_string(a) && strncmp(json_string_value(a), ari, strlen(ari)) == 0;
    }
    if (!aud_ari) {
        fprintf(stderr, "  claim aud: %s, not the app's ARI %s<app id> (%s)\n",
                json_is_string(aud) ? json_string_value(aud)
                : aud               ? "not an ARI"
                                    : "missing",
                ari, aud ? "AUD_MISMATCH" : "AUD_MISSING");
        bad++;
    }
    const char *dates[] = {"exp", "iat"};
    for (size_t k = 0; k < 2; k++) {
        json_t *d = json_object_get(claims, dates[k]);
        if (!json_is_integer(d) || json_integer_value(d) < 0) {
            fprintf(stderr, "  claim %s: %s (%s)\n", dates[k],
                    d ? "not a non-negative integer" : "missing",
                    k == 0 ? (d ? "EXP_TYPE" : "EXP_MISSING") : (d ? "IAT_TYPE" : "IAT_MISSING"));
            bad++;
        }
    }
    if (!json_is_object(app) || !json_is_string(json_object_get(app, "installationId")) ||
        !json_is_string(json_object_get(app, "apiBaseUrl"))) {
        fputs("  claim app: missing, or without installationId or apiBaseUrl (FIT_APP_INVALID)\n",
              stderr);
        bad++;
    }
    json_t *base = json_object_get(app, "apiBaseUrl");
    if (json_is_string(base) && strstr(json_string_value(base), ".stg.") != NULL) {
        fputs("  claim app.apiBaseUrl is of staging: a verifier must not choose its JWKS from it\n"
              "  (ForgeEnvironment); the production JWKS refuses a staging key\n",
              stderr);
    }
    fprintf(stderr,
            "%s  the key, the signature and the clock: qshcheck token verify --kind "
            "forge-invocation --jwks FILE --app-id ID --header 'Authorization: Bearer ...'\n",
            bad ? "" : "  header and claims show no fault;\n");
    json_decref(h);
}

/* The claimed value from a token's qsh claim. 0, or -1 with a message printed. */
static int from_token(const char *t, qc_dvalue *claimed) {
    qc_token_parts parts;
    if (qc_token_split(t, &parts) != 0) {
        fputs("qshcheck: the token does not have three segments (SEGMENTS)\n", stderr);
        return -1;
    }
    int warnings = 0;
    json_t *claims = qc_token_segment(parts.seg[1], parts.len[1], "claims", &warnings);
    json_t *q = json_object_get(claims, "qsh");
    int rc = -1;
    json_t *iss = json_object_get(claims, "iss");
    if (claims == NULL || !json_is_object(claims)) {
        fputs("qshcheck: the token's claims cannot be decoded\n", stderr);
    } else if (json_is_string(iss) &&
               strcmp(json_string_value(iss), "forge/invocation-token") == 0) {
        explain_fit(&parts, claims);
    } else if (!json_is_string(q)) {
        fputs("qshcheck: the token has no qsh claim (QSH_MISSING)\n", stderr);
    } else if (strcmp(json_string_value(q), "context-qsh") == 0) {
        fputs("qshcheck: the token's qsh is context-qsh: it is bound to no request, and only\n"
              "context-token endpoints accept it (QSH_CONTEXT_NOT_ALLOWED elsewhere)\n",
              stderr);
    } else if (take_hex(json_string_value(q), json_string_length(q), claimed) != 0) {
        fputs("qshcheck: the token's qsh claim is not 64 hex digits\n", stderr);
    } else {
        rc = 0;
    }
    json_decref(claims);
    return rc;
}

static void add_note(qc_diagnosis *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_note(qc_diagnosis *d, const char *fmt, ...) {
    if (d->nnotes == QC_DIAG_MAX_NOTES) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->notes[d->nnotes], sizeof d->notes[0], fmt, ap);
    va_end(ap);
    d->nnotes++;
}

typedef struct dopts {
    const char *base_url, *profile, *body, *content_type, *expected, *claimed, *message, *token;
    const char *pos[2];
    size_t npos;
    int as_json;
} dopts;

static int parse(int argc, char **argv, dopts *o) {
    const cli_option opts[] = {
        {"base-url", CLI_STRING, &o->base_url, 0, 0, NULL},
        {"profile", CLI_STRING, &o->profile, 0, 0, NULL},
        {"body", CLI_STRING, &o->body, 0, 0, NULL},
        {"content-type", CLI_STRING, &o->content_type, 0, 0, NULL},
        {"expected", CLI_STRING, &o->expected, 0, 0, NULL},
        {"claimed", CLI_STRING, &o->claimed, 0, 0, NULL},
        {"message", CLI_STRING, &o->message, 0, 0, NULL},
        {"token", CLI_STRING, &o->token, 0, 0, NULL},
        {"json", CLI_FLAG, &o->as_json, 0, 0, NULL},
    };
    cli_spec spec = {usage, opts, sizeof opts / sizeof opts[0], o->pos, 2, 0};
    int r = cli_parse(argc, argv, &spec);
    o->npos = spec.npos;
    return r;
}

/* The arguments that go together, and those that give the same value twice. */
static int check_args(const dopts *o) {
    if (o->npos != 2) {
        return cli_usage_error(usage, "expected METHOD and TARGET");
    }
    if ((o->body == NULL) != (o->content_type == NULL)) {
        return cli_usage_error(usage, "--body and --content-type go together");
    }
    if (o->message != NULL && (o->expected || o->claimed || o->token)) {
        return cli_usage_error(usage, "--message gives both values: it excludes --expected, "
                                      "--claimed and --token");
    }
    if (o->token != NULL && o->claimed != NULL) {
        return cli_usage_error(usage, "--token gives the claimed value: it excludes --claimed");
    }
    return 0;
}

/* The expected and claimed values from --message, --expected, --claimed and --token. */
static int take_values(const dopts *o, qc_dvalue vals[2]) {
    memset(vals, 0, 2 * sizeof *vals);
    vals[0].role = "expected";
    vals[1].role = "claimed";
    if (o->message != NULL) {
        int n = from_message(o->message, &vals[0], &vals[1]);
        if (n != 2) {
            return cli_usage_error(
                usage, "the message holds %d qsh values (64 hex digits); expected 2", n);
        }
    }
    if (o->expected != NULL && take_hex(o->expected, strlen(o->expected), &vals[0]) != 0) {
        return cli_usage_error(usage, "--expected is not a qsh (64 hex digits)");
    }
    if (o->claimed != NULL && take_hex(o->claimed, strlen(o->claimed), &vals[1]) != 0) {
        return cli_usage_error(usage, "--claimed is not a qsh (64 hex digits)");
    }
    if (o->token != NULL && from_token(o->token, &vals[1]) != 0) {
        return QC_EXIT_USAGE;
    }
    if (!vals[0].given && !vals[1].given) {
        return cli_usage_error(usage, "give --expected, --claimed, --message or --token");
    }
    return 0;
}

static int parse_profiles(const char *s, unsigned *out) {
    qsh_profile one;
    if (strcmp(s, "both") == 0) {
        *out = 1u << QSH_PROFILE_SERVER | 1u << QSH_PROFILE_PRODUCT;
    } else if (qc_profile_parse(s, strlen(s), &one) == 0) {
        *out = 1u << one;
    } else {
        return cli_usage_error(usage, "unknown profile '%s' (server, product or both)", s);
    }
    return 0;
}

/* Explains each given value with ws. The number of values nothing explains, or -1 when out of
 * memory. */
static int explain(qc_ways *ws, qc_dvalue vals[2]) {
    int unexplained = 0;
    for (int i = 0; i < 2; i++) {
        if (vals[i].given) {
            vals[i].level = qc_ways_explain(ws, vals[i].hex, 64, 1, vals[i].found,
                                            QC_DIAG_MAX_FOUND, &vals[i].nfound);
            if (vals[i].level == -2) {
                return -1;
            }
            unexplained += vals[i].level < 0;
        }
    }
    return unexplained;
}

/* The base URL a context path would give: the target's origin (or a placeholder for a path
 * alone) and the path's first segment, as Confluence's /wiki. 0, or -1 when there is none. */
static int context_base_url(const qsh_request *req, char *out, size_t cap, const char **seg,
                            size_t *seg_len) {
    const char *t = req->target, *end = req->target + req->target_len;
    const char *path = t;
    if (req->target_len > 0 && t[0] != '/') { /* an absolute target: skip scheme://authority */
        const char *sep = strstr(t, "://");
        path = sep ? memchr(sep + 3, '/', (size_t)(end - sep - 3)) : NULL;
        if (path == NULL) {
            return -1;
        }
    }
    const char *seg_end = path + 1;
    while (seg_end < end && *seg_end != '/' && *seg_end != '?' && *seg_end != '#') {
        seg_end++;
    }
    if (seg_end == path + 1 || seg_end == end || *seg_end != '/') {
        return -1; /* no first segment with more path after it */
    }
    int n = path == t ? snprintf(out, cap, "https://your-domain.atlassian.net%.*s",
                                 (int)(seg_end - path), path)
                      : snprintf(out, cap, "%.*s", (int)(seg_end - t), t);
    *seg = path;
    *seg_len = (size_t)(seg_end - path);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

/* Without --base-url, a value that only a context path explains matches nothing, or looks like
 * a mistake while the other value looks correct: tries the path's first segment as the base
 * URL's path, and takes it when it explains more values, or makes the verifier's (expected)
 * value the correct one where it was not. */
static int try_context_path(qc_diagnosis *d, qsh_ctx *ctx, int *unexplained) {
    const char *seg;
    size_t seg_len;
    /* d->base_url holds the candidate: the ways keep a pointer to it */
    if (d->req.base_url_len > 0 || (*unexplained == 0 && d->vals[0].level <= 0) ||
        context_base_url(&d->req, d->base_url, sizeof d->base_url, &seg, &seg_len) != 0) {
        return 0;
    }
    qc_diagnosis alt = *d;
    alt.req.base_url = d->base_url;
    alt.req.base_url_len = strlen(d->base_url);
    if (qc_ways_init(&alt.ws, ctx, &alt.req, alt.profiles) != QSH_OK) {
        qc_ways_free(&alt.ws);
        return 0;
    }
    int n = explain(&alt.ws, alt.vals);
    if (n < 0) {
        qc_ways_free(&alt.ws);
        return -1;
    }
    int better = n < *unexplained || (n == *unexplained && alt.vals[0].given &&
                                      alt.vals[0].level == 0 && d->vals[0].level != 0);
    if (!better) {
        qc_ways_free(&alt.ws);
        return 0;
    }
    qc_ways_free(&d->ws);
    *d = alt;
    add_note(d,
             "no --base-url was given; the path's first segment %.*s, taken as a context path, "
             "explains the values better (the verifier's the correct one), so this diagnosis takes "
             "--base-url %s (give the real base URL of the app or the tenant to confirm)",
             (int)seg_len, seg, d->base_url);
    *unexplained = n;
    return 0;
}

/* Hints about inputs that explain themselves: the same value twice, the values the wrong way
 * round, a POST whose form body was not given. */
static void add_hints(qc_diagnosis *d, const dopts *o, int unexplained) {
    qc_dvalue *e = &d->vals[0], *c = &d->vals[1];
    if (e->given && c->given && strcmp(e->hex, c->hex) == 0) {
        add_note(d, "the expected and claimed values are the same: there is no mismatch; the "
                    "verifier rejected the token for another reason (qshcheck token verify "
                    "checks them all)");
    } else if (e->given && c->given && e->level > 0 && c->level == 0) {
        add_note(d, "the values look swapped: the claimed value is the correct one and the "
                    "expected one comes from a mistake; --expected is what the verifier computed "
                    "(X in \"to have value 'X'\"), --claimed the value in the token");
    }
    int form_method =
        (d->req.method_len == 4 &&
         (memcmp(d->req.method, "POST", 4) == 0 || memcmp(d->req.method, "post", 4) == 0)) ||
        (d->req.method_len == 3 &&
         (memcmp(d->req.method, "PUT", 3) == 0 || memcmp(d->req.method, "put", 3) == 0));
    if (unexplained > 0 && form_method && o->body == NULL) {
        add_note(d,
                 "a %.*s's form parameters (an application/x-www-form-urlencoded body) count "
                 "in the qsh: if the request had one, give it with --body and --content-type",
                 (int)d->req.method_len, d->req.method);
    }
}

int cmd_diagnose(int argc, char **argv) {
    dopts o;
    memset(&o, 0, sizeof o);
    o.base_url = "";
    o.profile = "both";
    int pr = parse(argc, argv, &o);
    if (pr != CLI_PARSED) {
        return cli_parse_exit(pr);
    }
    qc_diagnosis d;
    memset(&d, 0, sizeof d);
    if (check_args(&o) != 0 || take_values(&o, d.vals) != 0 ||
        parse_profiles(o.profile, &d.profiles) != 0) {
        return QC_EXIT_USAGE;
    }
    qc_request_from_args(&d.req, o.pos[0], o.pos[1], o.base_url, o.body, o.content_type);
    qsh_ctx *ctx = qsh_ctx_new();
    qsh_status st = ctx ? qc_ways_init(&d.ws, ctx, &d.req, d.profiles) : QSH_E_NO_MEMORY;
    if (st != QSH_OK) {
        fprintf(stderr, "qshcheck: the rules reject this request: %s: %s\n", qsh_status_name(st),
                qsh_status_message(st));
        if (o.as_json && st != QSH_E_NO_MEMORY) {
            qc_diagnosis_print_rejected(&d, st);
        }
        if (ctx != NULL) {
            qc_ways_free(&d.ws);
        }
        qsh_ctx_free(ctx);
        return st == QSH_E_NO_MEMORY ? QC_EXIT_IO : QC_EXIT_USAGE;
    }
    int unexplained = explain(&d.ws, d.vals);
    if (unexplained >= 0 && try_context_path(&d, ctx, &unexplained) != 0) {
        unexplained = -1;
    }
    if (unexplained >= 0) {
        add_hints(&d, &o, unexplained);
        if (o.as_json) {
            qc_diagnosis_print_json(&d);
        } else {
            qc_diagnosis_print_text(&d);
        }
    } else {
        fputs("qshcheck: out of memory\n", stderr);
    }
    qc_ways_free(&d.ws);
    qsh_ctx_free(ctx);
    return unexplained < 0 ? QC_EXIT_IO : unexplained ? QC_EXIT_FAIL : QC_EXIT_OK;
}
