/* `qshcheck diagnose`: why a verifier rejected a qsh. It computes the correct canonical request
 * of each profile, then the canonical request of every known mistake alone and in pairs, and
 * reports which of them give the values the user holds. It only reports exact matches: when
 * nothing gives a value it says so and lists what it tried. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "corpus/parts.h"
#include "mistakes/explain.h"
#include "impl/impl.h"
#include "mistakes/catalogue.h"
#include "corpus/request.h"
#include "cli/token_decode.h"
#include "judge/report.h"

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
    "  --message TEXT   the whole error message; X and Y are taken from it\n"
    "  --token JWT      the token (or \"JWT <token>\"); its qsh claim is the claimed value\n"
    "  --profile P      the profiles to try (default both): server, the path as sent (an app\n"
    "                   calling a product); product, the path decoded (a product calling an app)\n"
    "  --json           a JSON report for tools\n"
    "\n"
    "For each value it prints the canonical request that gives it: the correct one, or one\n"
    "made with a known mistake (alone or with another; `qshcheck mistakes` lists them), with\n"
    "the rule that mistake breaks and where the two canonical requests differ.\n"
    "\n"
    "exit status: 0 every value is explained; 1 a value matches nothing tried; 2 bad\n"
    "arguments, or a request the rules reject.\n";

enum { MAX_FOUND = 16 };

typedef struct value {
    const char *role; /* "expected" or "claimed" */
    char hex[QSH_HEX_SIZE];
    int given;
    int level; /* from qc_ways_explain */
    size_t found[MAX_FOUND], nfound;
} value;

/* Copies a qsh given by the user, lower-cased. 0, or -1 when it is not 64 hex digits. */
static int take_hex(const char *s, size_t n, value *v) {
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
static int from_message(const char *m, value *expected, value *claimed) {
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

/* The claimed value from a token's qsh claim. 0, or -1 with a message printed. */
static int from_token(const char *t, value *claimed) {
    qc_token_parts parts;
    if (qc_token_split(t, &parts) != 0) {
        fputs("qshcheck: the token does not have three segments (SEGMENTS)\n", stderr);
        return -1;
    }
    int warnings = 0;
    json_t *claims = qc_token_segment(parts.seg[1], parts.len[1], "claims", &warnings);
    json_t *q = json_object_get(claims, "qsh");
    int rc = -1;
    if (claims == NULL || !json_is_object(claims)) {
        fputs("qshcheck: the token's claims cannot be decoded\n", stderr);
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

static const char *profile_name(qsh_profile p) {
    return p == QSH_PROFILE_PRODUCT ? "product" : "server";
}

/* Writes text from the request or the values: control bytes escaped (qc_write_text). */
static void out_text(const char *s, size_t n) {
    qc_write_text(stdout, s, n);
}

/* Prints "      correct: OK\n      theirs:  THEIRS" and a caret under the byte `offset` of
 * theirs, where they first differ: as `qshcheck run` reports it, 0 for the first byte. */
static void print_both(const qc_way *ok, const qc_way *w, size_t offset) {
    fputs("      correct: ", stdout);
    out_text(ok->request, ok->len);
    fputs("\n      theirs:  ", stdout);
    size_t col = qc_write_text_at(stdout, w->request, w->len, offset);
    printf("\n      %*s^ first difference at byte %zu\n", (int)(strlen("theirs:  ") + col), "",
           offset);
}

/* Where the part named by qc_first_difference ("method", "uri", "query") lies in req. */
static void part_span(const char *req, size_t n, const char *part, size_t *off, size_t *len) {
    size_t ml, uo, ul, qo;
    qc_split_request(req, n, &ml, &uo, &ul, &qo);
    *off = part[0] == 'm' ? 0 : part[0] == 'u' ? uo : qo;
    *len = part[0] == 'm' ? ml : part[0] == 'u' ? ul : n - qo;
}

/* Whether found[k] is found[k - 1] in the other profile: the same mistakes, the same request. */
static int same_way_other_profile(const qc_ways *ws, const value *v, size_t k) {
    const qc_way *a = &ws->w[v->found[k - 1]], *b = &ws->w[v->found[k]];
    return a->profile != b->profile && memcmp(a->mistake, b->mistake, sizeof a->mistake) == 0 &&
           a->len == b->len && memcmp(a->request, b->request, a->len) == 0;
}

static void print_value(const qc_ways *ws, const value *v) {
    printf("\nThe %s value %s\n", v->role, v->hex);
    if (v->level < 0) {
        printf("  matches nothing tried: not the correct canonical request, nor any known\n"
               "  mistake alone or in pairs, in the profiles tried. Check the method, the\n"
               "  target exactly as sent and the base URL; the request may have been changed\n"
               "  on its way (a proxy, a redirect, a client adding parameters).\n");
        return;
    }
    for (size_t k = 0; k < v->nfound; k++) {
        const qc_way *w = &ws->w[v->found[k]];
        const qc_way *ok = qc_ways_correct(ws, w->profile);
        const char *profiles = profile_name(w->profile);
        if (k > 0 && same_way_other_profile(ws, v, k)) {
            continue; /* told with the first profile */
        }
        if (k + 1 < v->nfound && same_way_other_profile(ws, v, k + 1)) {
            profiles = "server and product";
        }
        if (v->level == 0) {
            printf("  is the correct qsh (%s profile%s) of ", profiles,
                   strchr(profiles, ' ') ? "s" : "");
            out_text(w->request, w->len);
            fputc('\n', stdout);
            continue;
        }
        char label[128];
        qc_way_label(w, label, sizeof label);
        fputs("  comes from the canonical request ", stdout);
        out_text(w->request, w->len);
        fputc('\n', stdout);
        printf("  (%s profile%s) made with the mistake%s %s:\n", profiles,
               strchr(profiles, ' ') ? "s" : "", w->mistake[1] >= 0 ? "s" : "", label);
        for (int i = 0; i < QC_WAY_MAX && w->mistake[i] >= 0; i++) {
            const qc_mistake *m = &qc_mistakes[w->mistake[i]];
            printf("    %s: %s;\n      the rule: %s.\n", m->name, m->what, m->rule);
        }
        const char *part;
        size_t off;
        if (ok != NULL &&
            qc_first_difference(ok->request, ok->len, w->request, w->len, &part, &off) == 0) {
            size_t a, an, b, bn;
            part_span(ok->request, ok->len, part, &a, &an);
            part_span(w->request, w->len, part, &b, &bn);
            const char *what = strcmp(part, "uri") == 0 ? "URI" : part;
            if (bn == 0) {
                printf("  Whoever computed this value hashed an empty %s; the rules give `", what);
            } else {
                printf("  Whoever computed this value hashed the %s `", what);
                out_text(w->request + b, bn);
                fputs("`; the rules give `", stdout);
            }
            out_text(ok->request + a, an);
            fputs("`.\n", stdout);
            print_both(ok, w, off);
        }
    }
}

static json_t *way_json(const qc_ways *ws, const qc_way *w) {
    json_t *names = json_array();
    for (int i = 0; i < QC_WAY_MAX && w->mistake[i] >= 0; i++) {
        json_array_append_new(names, json_string(qc_mistakes[w->mistake[i]].name));
    }
    json_t *j = json_pack("{s:s, s:o, s:s%, s:s}", "profile", profile_name(w->profile), "mistakes",
                          names, "canonicalRequest", w->request, w->len, "qsh", w->hex);
    const qc_way *ok = qc_ways_correct(ws, w->profile);
    const char *part;
    size_t off;
    if (ok != NULL &&
        qc_first_difference(ok->request, ok->len, w->request, w->len, &part, &off) == 0) {
        json_object_set_new(j, "differsIn", json_string(part));
        json_object_set_new(j, "firstDifference", json_integer((json_int_t)off));
    }
    return j;
}

static void print_json(const qc_ways *ws, const qsh_request *req, const value *vals) {
    json_t *correct = json_array(), *values = json_array();
    for (int p = QSH_PROFILE_SERVER; p <= QSH_PROFILE_PRODUCT; p++) {
        const qc_way *ok = qc_ways_correct(ws, (qsh_profile)p);
        if (ok != NULL) {
            json_array_append_new(correct, way_json(ws, ok));
        }
    }
    for (int i = 0; i < 2; i++) {
        if (!vals[i].given) {
            continue;
        }
        json_t *matches = json_array();
        for (size_t k = 0; k < vals[i].nfound; k++) {
            json_array_append_new(matches, way_json(ws, &ws->w[vals[i].found[k]]));
        }
        json_array_append_new(values, json_pack("{s:s, s:s, s:b, s:o}", "role", vals[i].role, "qsh",
                                                vals[i].hex, "explained", vals[i].level >= 0,
                                                "matches", matches));
    }
    json_t *doc =
        json_pack("{s:{s:s%, s:s%, s:s%}, s:o, s:o, s:{s:I, s:I, s:I}}", "request", "method",
                  req->method, req->method_len, "target", req->target, req->target_len, "baseUrl",
                  req->base_url, req->base_url_len, "correct", correct, "values", values, "tried",
                  "correct", (json_int_t)ws->tried[0], "singleMistakes", (json_int_t)ws->tried[1],
                  "pairsOfMistakes", (json_int_t)ws->tried[2]);
    json_dumpf(doc, stdout, JSON_INDENT(2));
    fputc('\n', stdout);
    json_decref(doc);
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

int cmd_diagnose(int argc, char **argv) {
    dopts o;
    memset(&o, 0, sizeof o);
    o.base_url = "";
    o.profile = "both";
    int pr = parse(argc, argv, &o);
    if (pr != CLI_PARSED) {
        return cli_parse_exit(pr);
    }
    if (o.npos != 2) {
        return cli_usage_error(usage, "expected METHOD and TARGET");
    }
    if ((o.body == NULL) != (o.content_type == NULL)) {
        return cli_usage_error(usage, "--body and --content-type go together");
    }
    value vals[2];
    memset(vals, 0, sizeof vals);
    vals[0].role = "expected";
    vals[1].role = "claimed";
    if (o.message != NULL) {
        int n = from_message(o.message, &vals[0], &vals[1]);
        if (n != 2) {
            return cli_usage_error(
                usage, "the message holds %d qsh values (64 hex digits); expected 2", n);
        }
    }
    if (o.expected != NULL && take_hex(o.expected, strlen(o.expected), &vals[0]) != 0) {
        return cli_usage_error(usage, "--expected is not a qsh (64 hex digits)");
    }
    if (o.claimed != NULL && take_hex(o.claimed, strlen(o.claimed), &vals[1]) != 0) {
        return cli_usage_error(usage, "--claimed is not a qsh (64 hex digits)");
    }
    if (o.token != NULL && from_token(o.token, &vals[1]) != 0) {
        return QC_EXIT_USAGE;
    }
    if (!vals[0].given && !vals[1].given) {
        return cli_usage_error(usage, "give --expected, --claimed, --message or --token");
    }
    unsigned profiles = 0;
    qsh_profile one;
    if (strcmp(o.profile, "both") == 0) {
        profiles = 1u << QSH_PROFILE_SERVER | 1u << QSH_PROFILE_PRODUCT;
    } else if (qc_profile_parse(o.profile, strlen(o.profile), &one) == 0) {
        profiles = 1u << one;
    } else {
        return cli_usage_error(usage, "unknown profile '%s' (server, product or both)", o.profile);
    }

    qsh_request req;
    qc_request_from_args(&req, o.pos[0], o.pos[1], o.base_url, o.body, o.content_type);

    qsh_ctx *ctx = qsh_ctx_new();
    qc_ways ws;
    qsh_status st = ctx ? qc_ways_init(&ws, ctx, &req, profiles) : QSH_E_NO_MEMORY;
    if (st != QSH_OK) {
        fprintf(stderr, "qshcheck: the rules reject this request: %s: %s\n", qsh_status_name(st),
                qsh_status_message(st));
        if (ctx != NULL) {
            qc_ways_free(&ws);
        }
        qsh_ctx_free(ctx);
        return st == QSH_E_NO_MEMORY ? QC_EXIT_IO : QC_EXIT_USAGE;
    }
    int unexplained = 0, rc = QC_EXIT_OK;
    for (int i = 0; i < 2; i++) {
        if (vals[i].given) {
            vals[i].level =
                qc_ways_explain(&ws, vals[i].hex, 64, 1, vals[i].found, MAX_FOUND, &vals[i].nfound);
            if (vals[i].level == -2) {
                rc = QC_EXIT_IO;
            }
            unexplained += vals[i].level < 0;
        }
    }
    if (rc != QC_EXIT_OK) {
        fputs("qshcheck: out of memory\n", stderr);
    } else if (o.as_json) {
        print_json(&ws, &req, vals);
    } else {
        fputs("Request: ", stdout);
        out_text(req.method, req.method_len);
        fputc(' ', stdout);
        out_text(req.target, req.target_len);
        if (req.base_url_len) {
            fputs(" with base URL ", stdout);
            out_text(req.base_url, req.base_url_len);
        }
        fputc('\n', stdout);
        for (int p = QSH_PROFILE_SERVER; p <= QSH_PROFILE_PRODUCT; p++) {
            const qc_way *ok = qc_ways_correct(&ws, (qsh_profile)p);
            if (ok != NULL) {
                printf("Correct canonical request (%s profile): ", profile_name(ok->profile));
                out_text(ok->request, ok->len);
                printf("\n  qsh %s\n", ok->hex);
            } else if (profiles & (1u << p)) {
                printf("The %s profile rejects this request.\n", profile_name((qsh_profile)p));
            }
        }
        for (int i = 0; i < 2; i++) {
            if (vals[i].given) {
                print_value(&ws, &vals[i]);
            }
        }
        if (ws.levels < 3) {
            printf("\nTried, in %zu profile%s: the correct rules and each of the %d known mistakes "
                   "alone (pairs were not needed).\n",
                   ws.tried[0], ws.tried[0] > 1 ? "s" : "", QC_MISTAKE_COUNT);
        } else {
            printf("\nTried, in %zu profile%s: the correct rules, each of the %d known mistakes "
                   "alone and all %zu pairs of them.\n",
                   ws.tried[0], ws.tried[0] > 1 ? "s" : "", QC_MISTAKE_COUNT,
                   ws.tried[2] / (ws.tried[0] ? ws.tried[0] : 1));
        }
    }
    qc_ways_free(&ws);
    qsh_ctx_free(ctx);
    if (rc != QC_EXIT_OK) {
        return rc;
    }
    return unexplained ? QC_EXIT_FAIL : QC_EXIT_OK;
}
