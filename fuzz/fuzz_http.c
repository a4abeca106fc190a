/* Fuzz target: the mock product's handler below the HTTP library (harness/http/verify.h), as
 * the server calls it with what libmicrohttpd parsed.
 *
 * Input framing: byte 0 holds flags; the rest is split at 0xFF bytes into method, raw target,
 * headers ("Name: value" lines separated by '\n') and body. The tenant is fixed: base URL
 * https://tenant.example/wiki, app key com.example.fuzz, its secret, the clock FX_NOW, no
 * leeway. Flags: bit 0 adds "Authorization: JWT <token>" signed here for the request as the
 * product hashes it (server profile, the form body of exactly a POST of exactly the form type,
 * as modelled below); bit 1 signs the product profile's qsh instead (a library hashing the
 * decoded path); bit 2 signs with another secret; bit 3 puts the token in the query instead.
 *
 * Properties: the HTTP status is 200, 401, 404 (or 500 only when out of memory); 200 exactly
 * when the verifier says OK; the diagnosis is printable ASCII (it goes into a header); a path
 * outside the context path (modelled here) is 404 and one inside never is; a jwt query
 * parameter (decoded here) is 401 TOKEN_IN_QUERY; a call signed as the product hashes it, in
 * the header alone, is accepted; a call signed with the product profile's qsh, where it differs,
 * is a QSH_MISMATCH the catalogue explains; on every QSH_MISMATCH the message carries both
 * values, the expected one is the SHA-256 (EVP, not libqsh) of the correct canonical request,
 * the app's canonical request hashes to the claimed value, and the two agree before the first
 * difference and differ at it. The call's record (the JSON line of the log) parses with
 * jansson and gives back every byte of the request: as it is where jansson takes the bytes as
 * a string (UTF-8 without NUL), else each byte outside printable ASCII as "\xHH" with
 * "<field>Escaped" set; and the verdict's status and reason. */
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz_props.h"
#include "http/calls.h"
#include "http/verify.h"
#include "qsh/qsh.h"

enum { MAX_HEADERS = 32, FX_NOW = 1700000000 };
static const char BASE[] = "https://tenant.example/wiki", KEY[] = "com.example.fuzz",
                  SECRET[] = "fuzz-secret-0123456789";
static qsh_ctx *ctx;

static int lower(int c) {
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int name_is(const qc_http_header *h, const char *name) {
    size_t n = strlen(name);
    if (h->name_len != n) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (lower((unsigned char)h->name[i]) != lower((unsigned char)name[i])) {
            return 0;
        }
    }
    return 1;
}

/* The path of the target: after scheme://authority for an absolute one, up to '?' or '#'. */
static void model_path(const char *t, size_t n, size_t *start, size_t *len) {
    size_t i = 0;
    if (n > 0 && t[0] != '/') {
        for (size_t k = 0; k + 2 < n; k++) {
            if (t[k] == ':' && t[k + 1] == '/' && t[k + 2] == '/') {
                i = k + 3;
                while (i < n && t[i] != '/') {
                    i++;
                }
                break;
            }
        }
    }
    size_t e = i;
    while (e < n && t[e] != '?' && t[e] != '#') {
        e++;
    }
    *start = i;
    *len = e - i;
}

static int model_inside(const char *t, size_t n) {
    size_t s, len;
    model_path(t, n, &s, &len);
    return len >= 5 && memcmp(t + s, "/wiki", 5) == 0 && (len == 5 || t[s + 5] == '/');
}

static int hexv(int c) {
    c = lower(c);
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Whether a query piece's name decodes to exactly "jwt". */
static int model_jwt_piece(const char *p, size_t n) {
    char dec[4];
    size_t k = 0;
    for (size_t i = 0; i < n && p[i] != '='; i++) {
        int ch = (unsigned char)p[i];
        if (ch == '%') {
            if (i + 2 >= n || hexv((unsigned char)p[i + 1]) < 0 ||
                hexv((unsigned char)p[i + 2]) < 0) {
                return 0;
            }
            ch = hexv((unsigned char)p[i + 1]) * 16 + hexv((unsigned char)p[i + 2]);
            i += 2;
        } else if (ch == '+') {
            ch = ' ';
        }
        if (k == 3) {
            return 0;
        }
        dec[k++] = (char)ch;
    }
    return k == 3 && memcmp(dec, "jwt", 3) == 0;
}

static int model_has_jwt(const char *t, size_t n) {
    size_t q = 0;
    while (q < n && t[q] != '?') {
        q++;
    }
    size_t end = q;
    while (end < n && t[end] != '#') {
        end++;
    }
    for (size_t i = q + 1; i < end;) {
        size_t j = i;
        while (j < end && t[j] != '&') {
            j++;
        }
        if (model_jwt_piece(t + i, j - i)) {
            return 1;
        }
        i = j + 1;
    }
    return 0;
}

/* The request as the product hashes it: the body only for exactly POST with exactly the form
 * media type in the first Content-Type. */
static qsh_request model_request(const qc_http_call *c, qsh_profile profile) {
    qsh_request r = {
        c->method, c->method_len, c->target, c->target_len, BASE, strlen(BASE), profile, "", 0, "",
        0};
    const qc_http_header *ct = NULL;
    for (size_t i = 0; i < c->nheaders && ct == NULL; i++) {
        ct = name_is(&c->headers[i], "content-type") ? &c->headers[i] : NULL;
    }
    if (ct == NULL || c->method_len != 4 || memcmp(c->method, "POST", 4) != 0) {
        return r;
    }
    size_t s = 0, e = 0;
    while (e < ct->value_len && ct->value[e] != ';') {
        e++;
    }
    while (s < e && (ct->value[s] == ' ' || ct->value[s] == '\t')) {
        s++;
    }
    while (e > s && (ct->value[e - 1] == ' ' || ct->value[e - 1] == '\t')) {
        e--;
    }
    static const char form[] = "application/x-www-form-urlencoded";
    if (e - s == sizeof form - 1 && memcmp(ct->value + s, form, e - s) == 0) {
        r.body = c->body;
        r.body_len = c->body_len;
        r.content_type = ct->value;
        r.content_type_len = ct->value_len;
    }
    return r;
}

static void evp_hex(const char *s, size_t n, char hex[QSH_HEX_SIZE]) {
    unsigned char md[32];
    unsigned int len = 0;
    prop(EVP_Digest(s, n, md, &len, EVP_sha256(), NULL) == 1 && len == 32, "EVP SHA-256");
    for (size_t i = 0; i < 32; i++) {
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    }
}

static void check_mismatch(const qc_http_verdict *v) {
    char msg[256];
    snprintf(msg, sizeof msg,
             "Expecting claim 'qsh' to have value '%s' but instead it has the value '%s'",
             v->expected, v->claimed);
    prop(v->message != NULL && strcmp(v->message, msg) == 0, "the qsh message");
    prop(v->correct != NULL, "a mismatch without the correct canonical request");
    char hex[QSH_HEX_SIZE];
    evp_hex(v->correct, v->correct_len, hex);
    prop(strcmp(hex, v->expected) == 0, "the expected qsh is not the correct request's hash");
    if (v->theirs != NULL) {
        evp_hex(v->theirs, v->theirs_len, hex);
        prop(strcmp(hex, v->claimed) == 0, "the app's canonical request does not give its qsh");
        size_t at = (size_t)v->first_difference;
        prop(v->first_difference >= 0 && at <= v->theirs_len && at <= v->correct_len &&
                 memcmp(v->theirs, v->correct, at) == 0 &&
                 (at == v->theirs_len || at == v->correct_len || v->theirs[at] != v->correct[at]),
             "the first difference is not where the requests part");
    }
}

static size_t sign_into(const qsh_request *r, const char *secret, char *out, size_t cap) {
    qsh_sign_params p;
    memset(&p, 0, sizeof p);
    p.iss = KEY;
    p.iss_len = strlen(KEY);
    p.iat = FX_NOW - 10;
    p.exp = FX_NOW + 170;
    p.request = *r;
    p.secret = (const unsigned char *)secret;
    p.secret_len = strlen(secret);
    size_t len = 0;
    return qsh_token_sign(ctx, &p, out, cap, &len) == QSH_OK ? len : 0;
}

/* Whether the record's field holds bytes s[0..n): as they are when jansson takes them as a
 * string, else escaped as call_line.c writes them, with "<key>Escaped". */
static int record_holds(json_t *o, const char *key, const char *s, size_t n) {
    json_t *v = json_object_get(o, key), *plain = json_stringn(s, n);
    char flag[48];
    snprintf(flag, sizeof flag, "%sEscaped", key);
    int escaped = json_is_true(json_object_get(o, flag));
    int ok;
    if (plain != NULL && memchr(s, '\0', n) == NULL) {
        ok = !escaped && json_equal(v, plain);
    } else {
        char *want = malloc(n * 4 + 1);
        size_t k = 0;
        for (size_t i = 0; want != NULL && i < n; i++) {
            unsigned char ch = (unsigned char)s[i];
            if (ch >= 0x20 && ch <= 0x7e) {
                want[k++] = (char)ch;
            } else {
                k += (size_t)snprintf(want + k, 5, "\\x%02X", ch);
            }
        }
        ok = want != NULL && escaped && json_is_string(v) && json_string_length(v) == k &&
             memcmp(json_string_value(v), want, k) == 0;
        free(want);
    }
    json_decref(plain);
    return ok;
}

static void check_record(const qc_http_call *c, const qc_http_verdict *v) {
    char *line = qc_call_json_line(7, FX_NOW, c, v);
    if (line == NULL) {
        return; /* out of memory */
    }
    json_t *o = json_loads(line, JSON_REJECT_DUPLICATES, NULL);
    prop(json_is_object(o), "the call's record is not a JSON object");
    prop(strchr(line, '\n') == NULL, "the call's record is more than one line");
    json_t *req = json_object_get(o, "request"), *hs = json_object_get(req, "headers");
    prop(json_integer_value(json_object_get(o, "id")) == 7 &&
             json_integer_value(json_object_get(o, "time")) == FX_NOW,
         "the record's id or time");
    prop(record_holds(req, "method", c->method, c->method_len) &&
             record_holds(req, "target", c->target, c->target_len),
         "the record's method or target is not the call's");
    prop(json_array_size(hs) == c->nheaders, "the record's headers are not the call's");
    for (size_t i = 0; i < c->nheaders; i++) {
        json_t *h = json_array_get(hs, i);
        prop(record_holds(h, "name", c->headers[i].name, c->headers[i].name_len) &&
                 record_holds(h, "value", c->headers[i].value, c->headers[i].value_len),
             "a header of the record is not the call's");
    }
    prop(json_integer_value(json_object_get(req, "bodyLength")) == (json_int_t)c->body_len &&
             (c->body_len > QC_CALL_BODY_SHOWN
                  ? json_object_get(req, "body") == NULL
                  : record_holds(req, "body", c->body ? c->body : "", c->body_len)),
         "the record's body is not the call's");
    prop(json_integer_value(json_object_get(o, "status")) == v->http_status &&
             json_is_string(json_object_get(o, "reason")) &&
             strcmp(json_string_value(json_object_get(o, "reason")), v->code) == 0 &&
             (v->message == NULL) == (json_object_get(o, "message") == NULL),
         "the record's status, reason or message is not the verdict's");
    json_decref(o);
    free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1 || size > 65536) {
        return 0;
    }
    if (ctx == NULL && (ctx = qsh_ctx_new()) == NULL) {
        abort();
    }
    unsigned flags = data[0];
    const char *f[4] = {"", "", "", ""};
    size_t len[4] = {0, 0, 0, 0}, k = 0, start = 1;
    for (size_t i = 1; i <= size && k < 4; i++) {
        if (i == size || data[i] == 0xFF) {
            f[k] = (const char *)data + start;
            len[k] = i - start;
            k++;
            start = i + 1;
        }
    }
    qc_http_header h[MAX_HEADERS + 1];
    size_t nh = 0;
    for (size_t i = 0; i < len[2] && nh < MAX_HEADERS;) {
        size_t j = i;
        while (j < len[2] && f[2][j] != '\n') {
            j++;
        }
        size_t colon = i;
        while (colon < j && f[2][colon] != ':') {
            colon++;
        }
        size_t v = colon < j ? colon + 1 : j;
        while (v < j && f[2][v] == ' ') {
            v++;
        }
        h[nh++] = (qc_http_header){f[2] + i, colon - i, f[2] + v, j - v};
        i = j + 1;
    }
    qc_http_call c = {f[0], len[0], f[1], len[1], h, nh, f[3], len[3]};
    int other_auth = 0;
    for (size_t i = 0; i < nh; i++) {
        other_auth |= name_is(&h[i], "authorization");
    }
    static char token[16384], auth[16400];
    static char target[65536 + 16400];
    int signed_right = 0, signed_product = 0;
    char server_hex[QSH_HEX_SIZE], product_hex[QSH_HEX_SIZE];
    qsh_request sr = model_request(&c, QSH_PROFILE_SERVER);
    qsh_request pr = model_request(&c, QSH_PROFILE_PRODUCT);
    int server_ok = qsh_compute(ctx, &sr, server_hex) == QSH_OK;
    int product_ok = qsh_compute(ctx, &pr, product_hex) == QSH_OK;
    if (flags & 1) {
        const qsh_request *which = (flags & 2) ? &pr : &sr;
        size_t tl = sign_into(which, (flags & 4) ? "another-secret" : SECRET, token, sizeof token);
        if (tl > 0 && (flags & 8)) {
            /* the token in the query: it is left out of the qsh, so the signature stays right */
            int q = memchr(c.target, '?', c.target_len) != NULL;
            int n = snprintf(target, sizeof target, "%.*s%cjwt=%s", (int)c.target_len, c.target,
                             q ? '&' : '?', token);
            c.target = target;
            c.target_len = n > 0 ? (size_t)n : 0;
        } else if (tl > 0 && nh < MAX_HEADERS + 1) {
            int n = snprintf(auth, sizeof auth, "JWT %s", token);
            h[nh++] = (qc_http_header){"Authorization", 13, auth, (size_t)n};
            c.nheaders = nh;
            signed_right = !(flags & 6) && server_ok && !other_auth;
            signed_product = (flags & 6) == 2 && server_ok && product_ok && !other_auth &&
                             strcmp(server_hex, product_hex) != 0;
        }
    }

    qc_http_verdict v;
    qc_http_verify(ctx, &(qc_product){BASE, KEY, SECRET, 0}, &c, FX_NOW, &v);
    prop(v.code != NULL, "a verdict without a reason code");
    prop(v.http_status == 200 || v.http_status == 401 || v.http_status == 404 ||
             (v.http_status == 500 && v.reason == QC_HTTP_REASON_NO_MEMORY),
         "an HTTP status other than 200, 401, 404");
    prop((v.http_status == 200) == (v.reason == QC_HTTP_VERIFIED && v.status == QSH_OK),
         "200 is not exactly the verifier's OK");
    for (const char *p = v.diagnosis; p != NULL && *p; p++) {
        prop((unsigned char)*p >= 0x20 && (unsigned char)*p <= 0x7e,
             "the diagnosis has a byte a header cannot carry");
    }
    int inside = model_inside(c.target, c.target_len);
    prop(inside == (v.reason != QC_HTTP_OUTSIDE_CONTEXT), "the context path decided wrongly");
    prop((v.http_status == 404) == !inside, "404 is not exactly outside the context path");
    if (inside && model_has_jwt(c.target, c.target_len)) {
        prop(v.http_status == 401 && v.reason == QC_HTTP_TOKEN_IN_QUERY,
             "a jwt query parameter was not refused");
    }
    if (inside && !model_has_jwt(c.target, c.target_len) && signed_right) {
        prop(v.http_status == 200, "a call signed as the product hashes it was rejected");
    }
    if (inside && !model_has_jwt(c.target, c.target_len) && signed_product) {
        prop(v.status == QSH_E_QSH_MISMATCH && v.theirs != NULL,
             "a product-profile qsh is not a mismatch the catalogue explains");
    }
    if (v.reason == QC_HTTP_VERIFIED && v.status == QSH_E_QSH_MISMATCH) {
        check_mismatch(&v);
    }
    check_record(&c, &v);
    qc_http_verdict_free(&v);
    return 0;
}
