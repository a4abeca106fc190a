/* The mock product's verdict on one call (verify.h). The product verifies an app's call as
 * Jira and Confluence do: the token only from "Authorization: JWT <token>", HS256 with the
 * shared secret, iss the app key, exp and iat with the leeway, and qsh the hash of the request
 * in the server profile (the raw target less the context path, the form body as Tomcat reads
 * it). A qsh mismatch is explained with the mistake catalogue. */
#include "http/verify.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "corpus/parts.h"
#include "mistakes/catalogue.h"
#include "mistakes/explain.h"

static int lower(int c) {
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int eq_nocase(const char *a, size_t an, const char *b) {
    size_t bn = strlen(b);
    if (an != bn) {
        return 0;
    }
    for (size_t i = 0; i < an; i++) {
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i])) {
            return 0;
        }
    }
    return 1;
}

const qc_http_header *qc_http_find_header(const qc_http_call *c, const char *name, size_t *count) {
    const qc_http_header *first = NULL;
    size_t n = 0;
    for (size_t i = 0; i < c->nheaders; i++) {
        if (eq_nocase(c->headers[i].name, c->headers[i].name_len, name)) {
            first = first ? first : &c->headers[i];
            n++;
        }
    }
    if (count != NULL) {
        *count = n;
    }
    return first;
}

static int hexval(int c) {
    c = lower(c);
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Whether piece[0..n) up to its first '=', form-decoded, is exactly "jwt". A malformed escape
 * decodes to nothing that could be "jwt". */
static int name_is_jwt(const char *s, size_t n) {
    static const char want[] = "jwt";
    size_t k = 0;
    for (size_t i = 0; i < n && s[i] != '='; i++) {
        int ch = (unsigned char)s[i];
        if (ch == '%') {
            int hi = i + 2 < n ? hexval((unsigned char)s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval((unsigned char)s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                return 0;
            }
            ch = hi * 16 + lo;
            i += 2;
        } else if (ch == '+') {
            ch = ' ';
        }
        if (k == 3 || ch != want[k]) {
            return 0;
        }
        k++;
    }
    return k == 3;
}

int qc_http_target_has_jwt(const char *t, size_t n) {
    const char *q = memchr(t, '?', n);
    if (q == NULL) {
        return 0;
    }
    const char *hash = memchr(q, '#', (size_t)(t + n - q));
    const char *end = hash ? hash : t + n;
    for (const char *p = q + 1; p < end;) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        if (name_is_jwt(p, (size_t)(stop - p))) {
            return 1;
        }
        p = stop + 1;
    }
    return 0;
}

/* The path of a URL or a target: after "scheme://authority" when there is one, up to '?' or
 * '#'. */
static void path_of(const char *s, size_t n, const char **path, size_t *len) {
    const char *p = s, *end = s + n;
    const char *sep = NULL;
    for (size_t i = 0; n > 0 && s[0] != '/' && sep == NULL && i + 3 <= n; i++) {
        sep = memcmp(s + i, "://", 3) == 0 ? s + i : NULL; /* s is not NUL-terminated */
    }
    if (sep != NULL) {
        p = memchr(sep + 3, '/', (size_t)(end - sep - 3));
        p = p ? p : end;
    }
    const char *stop = p;
    while (stop < end && *stop != '?' && *stop != '#') {
        stop++;
    }
    *path = p;
    *len = (size_t)(stop - p);
}

/* Whether the target's path is the base URL's path or under it (on a segment boundary, bytes
 * compared exactly, as the server profile strips it). */
static int inside_context(const qc_product *p, const qc_http_call *c) {
    const char *bp, *tp;
    size_t bn, tn;
    path_of(p->base_url, strlen(p->base_url), &bp, &bn);
    while (bn > 0 && bp[bn - 1] == '/') {
        bn--;
    }
    path_of(c->target, c->target_len, &tp, &tn);
#ifdef QSHCHECK_MUTANT_HTTP_CONTEXT_PREFIX /* fuzz/: a prefix, not a segment boundary */
    return bn == 0 || (tn >= bn && memcmp(tp, bp, bn) == 0);
#else
    return bn == 0 || (tn >= bn && memcmp(tp, bp, bn) == 0 && (tn == bn || tp[bn] == '/'));
#endif
}

/* The form body counts exactly as Tomcat reads it: only for the method POST (its
 * parseBodyMethods, compared case-sensitively) and the media type, before any ';' and trimmed,
 * exactly application/x-www-form-urlencoded (Request.parseParameters uses equals()). */
static int body_counts(const qc_http_call *c) {
    size_t n = 0;
    const qc_http_header *ct = qc_http_find_header(c, "Content-Type", &n);
    if (c->method_len != 4 || memcmp(c->method, "POST", 4) != 0 || ct == NULL) {
        return 0;
    }
    const char *s = ct->value, *e = ct->value + ct->value_len;
    const char *semi = memchr(s, ';', ct->value_len);
    e = semi ? semi : e;
    while (s < e && (*s == ' ' || *s == '\t')) {
        s++;
    }
    while (e > s && (e[-1] == ' ' || e[-1] == '\t')) {
        e--;
    }
    static const char form[] = "application/x-www-form-urlencoded";
    return (size_t)(e - s) == sizeof form - 1 && memcmp(s, form, sizeof form - 1) == 0;
}

static char *dup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *dup_printf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s != NULL) {
        va_start(ap, fmt);
        vsnprintf(s, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    return s;
}

/* Makes s fit in a response header: every byte outside printable ASCII becomes '?'. */
static void header_safe(char *s) {
    for (; s != NULL && *s; s++) {
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e) {
            *s = '?';
        }
    }
}

typedef struct lookup_ud {
    const qc_product *p;
} lookup_ud;

/* Only the app key has a secret: any other iss is unknown, as to a tenant it would be. */
static qsh_status lookup(void *ud, int rs256, const char *iss, size_t iss_len, const char *kid,
                         size_t kid_len, const unsigned char **key, size_t *key_len) {
    const qc_product *p = ((lookup_ud *)ud)->p;
    (void)kid;
    (void)kid_len;
    if (rs256) {
        return QSH_E_KEY_UNKNOWN;
    }
    if (iss_len != strlen(p->app_key) || memcmp(iss, p->app_key, iss_len) != 0) {
        return QSH_E_ISS_UNKNOWN;
    }
    *key = (const unsigned char *)p->secret;
    *key_len = strlen(p->secret);
    return QSH_OK;
}

/* The claims of the token after "JWT ", decoded (NULL when they cannot be). Only called after
 * the verifier passed its form and JSON checks. */
static json_t *token_claims(const qc_http_header *auth) {
    if (auth == NULL || auth->value_len < 4) {
        return NULL;
    }
    const char *t = auth->value + 4, *end = auth->value + auth->value_len;
    const char *d1 = memchr(t, '.', (size_t)(end - t));
    const char *d2 = d1 ? memchr(d1 + 1, '.', (size_t)(end - d1 - 1)) : NULL;
    if (d2 == NULL) {
        return NULL;
    }
    size_t n = (size_t)(d2 - d1 - 1);
    unsigned char *buf = malloc(n * 3 / 4 + 1);
    size_t len = 0;
    json_t *j = NULL;
    if (buf != NULL && qsh_b64url_decode(d1 + 1, n, buf, n * 3 / 4 + 1, &len) == QSH_OK) {
        j = json_loadb((const char *)buf, len, 0, NULL);
    }
    free(buf);
    return j;
}

static long long claim_int(json_t *claims, const char *name) {
    json_t *v = json_object_get(claims, name);
    return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

/* A time as java.util.Date prints it in UTC ("Tue Dec 01 11:21:31 UTC 2026"), as the
 * products' expiry message has it. */
static void java_date(long long t, char *out, size_t cap) {
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL || strftime(out, cap, "%a %b %d %H:%M:%S UTC %Y", &tm) == 0) {
        snprintf(out, cap, "%lld", t);
    }
}

/* Explains the claimed qsh with the catalogue: the canonical request the app hashed, in either
 * profile, with no mistake, one or two. */
static void explain_mismatch(qsh_ctx *ctx, const qsh_request *req, qc_http_verdict *v) {
    qc_ways ws;
    memset(&ws, 0, sizeof ws);
    unsigned profiles = 1u << QSH_PROFILE_SERVER | 1u << QSH_PROFILE_PRODUCT;
    if (qc_ways_init(&ws, ctx, req, profiles) != QSH_OK) {
        qc_ways_free(&ws);
        return;
    }
    size_t found[4], nfound = 0;
    int level = qc_ways_explain(&ws, v->claimed, QSH_HEX_LEN, 1, found, 4, &nfound);
    const qc_way *ok = qc_ways_correct(&ws, QSH_PROFILE_SERVER);
    if (level >= 0 && nfound > 0 && ok != NULL) {
        const qc_way *w = &ws.w[found[0]];
        v->theirs = malloc(w->len + 1);
        if (v->theirs != NULL) {
            memcpy(v->theirs, w->request, w->len);
            v->theirs[w->len] = '\0';
            v->theirs_len = w->len;
        }
        if (w->profile == QSH_PROFILE_PRODUCT && w->mistake[0] < 0) {
            snprintf(v->mistakes, sizeof v->mistakes, "ServerPathDecoded");
        } else {
            qc_way_label(w, v->mistakes, sizeof v->mistakes);
        }
        const char *part;
        size_t off;
        if (qc_first_difference(ok->request, ok->len, w->request, w->len, &part, &off) == 0) {
            v->differs_in = part;
            v->first_difference = (long)off;
        }
    }
    qc_ways_free(&ws);
}

static void fill_qsh_mismatch(qsh_ctx *ctx, const qsh_request *req, const qc_http_header *auth,
                              qc_http_verdict *v) {
    json_t *claims = token_claims(auth);
    json_t *q = json_object_get(claims, "qsh");
    if (json_is_string(q) && json_string_length(q) == QSH_HEX_LEN) {
        memcpy(v->claimed, json_string_value(q), QSH_HEX_SIZE);
    }
    json_decref(claims);
    v->message = dup_printf("Expecting claim 'qsh' to have value '%s' but instead it has the "
                            "value '%s'",
                            v->expected, v->claimed);
    if (v->claimed[0] != '\0') {
        explain_mismatch(ctx, req, v);
    }
    if (v->theirs != NULL) {
        v->diagnosis = dup_printf("the app hashed %s (%s) but the correct canonical request is "
                                  "%s; they differ in the %s at byte %ld",
                                  v->theirs, v->mistakes, v->correct ? v->correct : "?",
                                  v->differs_in ? v->differs_in : "request", v->first_difference);
    } else {
        v->diagnosis = dup_printf("the app's qsh matches no known mistake alone or in pairs; "
                                  "the correct canonical request is %s",
                                  v->correct ? v->correct : "?");
    }
}

/* The message and diagnosis of a rejection other than a qsh mismatch. */
static void fill_other(const qc_http_header *auth, const qc_product *p, int64_t now,
                       qc_http_verdict *v) {
    if (v->status == QSH_E_EXP_EXPIRED) {
        json_t *claims = token_claims(auth);
        char at[64], is[64];
        long long exp = claim_int(claims, "exp");
        json_decref(claims);
        java_date(exp, at, sizeof at);
        java_date(now, is, sizeof is);
        v->message = dup_printf("Expired at %s and time is now %s", at, is);
        v->diagnosis = dup_printf("the token expired at %lld; now is %lld and the leeway %lld s: "
                                  "sign each request just before sending it",
                                  exp, (long long)now, (long long)p->leeway);
        return;
    }
    v->message = dup_printf("%s", qsh_status_message(v->status));
    switch (v->status) {
    case QSH_E_ISS_UNKNOWN:
        v->diagnosis =
            dup_printf("iss is not the app key %s (the key of the app descriptor)", p->app_key);
        break;
    case QSH_E_SIG_INVALID:
        v->diagnosis = dup_printf("the signature does not verify with the shared secret of the "
                                  "install: another secret, or a changed token");
        break;
    case QSH_E_CARRIAGE_MISSING:
    case QSH_E_CARRIAGE_SCHEME:
        v->diagnosis = dup_printf("send the token as the header 'Authorization: JWT <token>'");
        break;
    case QSH_E_QSH_CONTEXT_NOT_ALLOWED:
        v->diagnosis = dup_printf("a context token (qsh context-qsh) cannot call the product: "
                                  "sign the request with its own qsh");
        break;
    default:
        v->diagnosis = dup_printf("%s (%s)", qsh_status_message(v->status), v->code);
    }
}

void qc_http_verify(qsh_ctx *ctx, const qc_product *p, const qc_http_call *c, int64_t now,
                    qc_http_verdict *v) {
    memset(v, 0, sizeof *v);
    v->first_difference = -1;
    qsh_request req;
    memset(&req, 0, sizeof req);
    req.method = c->method;
    req.method_len = c->method_len;
    req.target = c->target;
    req.target_len = c->target_len;
    req.base_url = p->base_url;
    req.base_url_len = strlen(p->base_url);
    req.profile = QSH_PROFILE_SERVER;
    /* "" rather than NULL for no body: libqsh's cursors do pointer arithmetic on NULL + 0,
     * which UBSan (clang's pointer-overflow check) reports */
    req.body = "";
    req.content_type = "";
    if (body_counts(c)) {
        size_t n;
        const qc_http_header *ct = qc_http_find_header(c, "Content-Type", &n);
        req.body = c->body;
        req.body_len = c->body_len;
        req.content_type = ct->value;
        req.content_type_len = ct->value_len;
    }
    if (qsh_compute(ctx, &req, v->expected) != QSH_OK) {
        v->expected[0] = '\0';
    }
    size_t cap = qsh_canonical_bound(&req);
    qsh_canonical parts;
    v->correct = cap ? malloc(cap) : NULL;
    if (v->correct != NULL && qsh_canonicalize(ctx, &req, v->correct, cap, &parts) == QSH_OK) {
        v->correct_len = parts.len;
    } else {
        free(v->correct);
        v->correct = NULL;
    }
    size_t nauth = 0;
    const qc_http_header *auth = qc_http_find_header(c, "Authorization", &nauth);
    if (!inside_context(p, c)) {
        v->http_status = 404;
        v->reason = QC_HTTP_OUTSIDE_CONTEXT;
        v->code = "OUTSIDE_CONTEXT_PATH";
        v->message =
            dup_printf("Not found: the path is outside the context path of %s", p->base_url);
        v->diagnosis = dup_printf("the app left out the context path of the base URL %s: build "
                                  "each URL from the base URL the install gave",
                                  p->base_url);
    } else if (qc_http_target_has_jwt(c->target, c->target_len)) {
        v->http_status = 401;
        v->reason = QC_HTTP_TOKEN_IN_QUERY;
        v->code = "TOKEN_IN_QUERY";
        v->message = dup_printf("A JWT in the query string is not accepted for calls to the "
                                "product API");
        v->diagnosis = dup_printf("products refuse a jwt query parameter on API calls: send the "
                                  "token as the header 'Authorization: JWT <token>'");
    } else {
        qsh_verify_params vp;
        memset(&vp, 0, sizeof vp);
        lookup_ud ud = {p};
        vp.kind = QSH_KIND_APP_TO_PRODUCT;
        vp.now = now;
        vp.leeway = p->leeway;
        vp.authorization = auth ? auth->value : NULL;
        vp.authorization_len = auth ? auth->value_len : 0;
        vp.request = req;
        vp.lookup = lookup;
        vp.lookup_ud = &ud;
        v->status = nauth > 1 ? QSH_E_CARRIAGE_AMBIGUOUS : qsh_token_verify(ctx, &vp);
        v->code = qsh_reason_code(v->status);
        v->http_status = v->status == QSH_OK ? 200 : 401;
        if (v->status == QSH_E_QSH_MISMATCH) {
            fill_qsh_mismatch(ctx, &req, auth, v);
        } else if (v->status != QSH_OK) {
            fill_other(auth, p, now, v);
        }
    }
    if (v->http_status != 200 && (v->message == NULL || v->diagnosis == NULL)) {
        v->http_status = 500;
        v->reason = QC_HTTP_REASON_NO_MEMORY;
        v->code = "NO_MEMORY";
    }
    header_safe(v->diagnosis);
}

void qc_http_verdict_free(qc_http_verdict *v) {
    free(v->message);
    free(v->diagnosis);
    free(v->correct);
    free(v->theirs);
    memset(v, 0, sizeof *v);
}
