/* Unit tests of qsh_canonicalize and qsh_compute through the public API: each rule, each
 * reachable status, buffer and length limits, and pointer + length inputs. Expected hashes
 * were computed with `printf %s 'REQUEST' | sha256sum`, not with this library. */
#include <stdlib.h>

#include "check.h"
#include "qsh/qsh.h"

static qsh_ctx *ctx;
static char out[4096];
static qsh_canonical parts;

static qsh_request req_of(const char *method, const char *target, const char *base,
                          qsh_profile profile) {
    qsh_request r = {0};
    r.method = method;
    r.method_len = strlen(method);
    r.target = target;
    r.target_len = strlen(target);
    r.base_url = base;
    r.base_url_len = strlen(base);
    r.profile = profile;
    return r;
}

static qsh_status canon(const char *method, const char *target, const char *base) {
    qsh_request r = req_of(method, target, base, QSH_PROFILE_SERVER);
    return qsh_canonicalize(ctx, &r, out, sizeof out, &parts);
}

static qsh_status canon_product(const char *target, const char *base) {
    qsh_request r = req_of("GET", target, base, QSH_PROFILE_PRODUCT);
    return qsh_canonicalize(ctx, &r, out, sizeof out, &parts);
}

static qsh_status canon_body(const char *method, const char *target, const char *body,
                             const char *ct) {
    qsh_request r = req_of(method, target, "", QSH_PROFILE_SERVER);
    r.body = body;
    r.body_len = strlen(body);
    r.content_type = ct;
    r.content_type_len = strlen(ct);
    return qsh_canonicalize(ctx, &r, out, sizeof out, &parts);
}

#define CANON_IS(call, want)                                                                       \
    do {                                                                                           \
        qsh_status st_ = (call);                                                                   \
        CHECK(st_ == QSH_OK);                                                                      \
        CHECK_STR(st_ == QSH_OK ? out : qsh_status_name(st_), want);                               \
    } while (0)

static void test_rules(void) {
    CANON_IS(canon("get", "/rest/api/2/issue/ABC-1", ""), "GET&/rest/api/2/issue/ABC-1&");
    CANON_IS(canon("GET",
                   "/path/to/service?zee_last=param&repeated=parameter%201&first=param&"
                   "repeated=parameter%202",
                   ""),
             "GET&/path/to/service&first=param&repeated=parameter%201,parameter%202&zee_last="
             "param");
    CANON_IS(canon("GET", "/wiki/rest/api/content/", "https://x.atlassian.net/wiki"),
             "GET&/rest/api/content&");
    CANON_IS(canon("GET", "/wikipedia/x", "https://x.atlassian.net/wiki"), "GET&/wikipedia/x&");
    CANON_IS(canon("GET", "/wiki", "https://x.atlassian.net/wiki/"), "GET&/&");
    CANON_IS(canon("GET", "/p//", ""), "GET&/p/&");
    CANON_IS(canon("GET", "p", ""), "GET&/p&");
    CANON_IS(canon("GET", "/p&a=b?x=y", ""), "GET&/p%26a=b&x=y");
    CANON_IS(canon("GET", "/my%20file%28v2%29.png", ""), "GET&/my%20file%28v2%29.png&");
    CANON_IS(canon_product("/my%20file%28v2%29.png", ""), "GET&/my file(v2).png&");
    CANON_IS(canon_product("/app/a%2Fb%26c/", "https://h/app"), "GET&/a/b%26c&");
    CANON_IS(canon("GET", "/p?q=a+b&r=%7e&s=*&jwt=x&JWT=y&a&=v&&", ""),
             "GET&/p&JWT=y&a=&q=a%20b&r=~&s=%2A");
    CANON_IS(canon("GET", "/p?v=%5B&v=A&a.c=1&a[b]=2", ""), "GET&/p&a%5Bb%5D=2&a.c=1&v=A,%5B");
    /* UTF-16 order: U+1F600 (D83D DE00) before U+FF5E, although its UTF-8 bytes are larger. */
    CANON_IS(canon("GET", "/p?v=%EF%BD%9E&v=%F0%9F%98%80", ""), "GET&/p&v=%F0%9F%98%80,%EF%BD%9E");
    CANON_IS(canon("GET", "/p?a=b=c;d", ""), "GET&/p&a=b%3Dc%3Bd");
    CANON_IS(canon("GET", "https://H.example:443/base/x?y=1#frag", "https://h.example/base"),
             "GET&/x&y=1");
    CANON_IS(canon_body("POST", "/p?b=2", "a=1&b=1", "application/x-www-form-urlencoded"),
             "POST&/p&a=1&b=1,2");
    /* The body counts as Tomcat reads it: exactly POST, exactly the form media type. */
    CANON_IS(canon_body("post", "/p?b=2", "a=1&b=1", "application/x-www-form-urlencoded"),
             "POST&/p&b=2");
    CANON_IS(canon_body("PUT", "/p?b=2", "a=1", "application/x-www-form-urlencoded"), "PUT&/p&b=2");
    CANON_IS(canon_body("POST", "/p", "a=1", "Application/X-WWW-Form-URLEncoded"), "POST&/p&");
    CANON_IS(canon_body("POST", "/p", "a=1", " application/x-www-form-urlencoded ;charset=utf-8"),
             "POST&/p&a=1");
    CANON_IS(canon_body("PATCH", "/p", "a=1", "application/x-www-form-urlencoded"), "PATCH&/p&");
    CANON_IS(canon_body("POST", "/p", "a b", "application/json"), "POST&/p&");
}

static void test_parts(void) {
    CHECK(canon("get", "/wiki/x?b=1&a=2", "https://h/wiki") == QSH_OK);
    CHECK(parts.method_len == 3);
    CHECK(parts.uri_off == 4 && parts.uri_len == 2 && memcmp(out + 4, "/x", 2) == 0);
    CHECK(parts.query_off == 7 && parts.query_len == 7 && memcmp(out + 7, "a=2&b=1", 7) == 0);
    CHECK(parts.len == 14 && out[14] == '\0');
}

static void test_statuses(void) {
    qsh_request r = req_of("GET", "/p", "", QSH_PROFILE_SERVER);
    CHECK(qsh_canonicalize(NULL, &r, out, sizeof out, &parts) == QSH_E_NULL_ARG);
    CHECK(qsh_canonicalize(ctx, NULL, out, sizeof out, &parts) == QSH_E_NULL_ARG);
    CHECK(qsh_canonicalize(ctx, &r, NULL, sizeof out, &parts) == QSH_E_NULL_ARG);
    CHECK(qsh_canonicalize(ctx, &r, out, sizeof out, NULL) == QSH_E_NULL_ARG);
    r.target = NULL;
    CHECK(qsh_canonicalize(ctx, &r, out, sizeof out, &parts) == QSH_E_NULL_ARG);
    r = req_of("GET", "/p", "", (qsh_profile)7);
    CHECK(qsh_canonicalize(ctx, &r, out, sizeof out, &parts) == QSH_E_PROFILE_INVALID);

    CHECK(canon("", "/p", "") == QSH_E_METHOD_EMPTY);
    CHECK(canon("G T", "/p", "") == QSH_E_METHOD_INVALID);
    CHECK(canon("G\xC3\x89T", "/p", "") == QSH_E_METHOD_INVALID);
    char method[QSH_MAX_METHOD_LEN + 2];
    memset(method, 'M', sizeof method - 1);
    method[sizeof method - 1] = '\0';
    CHECK(canon(method, "/p", "") == QSH_E_METHOD_TOO_LONG);
    method[QSH_MAX_METHOD_LEN] = '\0';
    CHECK(canon(method, "/p", "") == QSH_OK);

    CHECK(canon("GET", "", "") == QSH_E_TARGET_EMPTY);
    CHECK(canon("GET", "/p q", "") == QSH_E_TARGET_BYTE);
    CHECK(canon("GET", "/caf\xC3\xA9", "") == QSH_E_TARGET_BYTE);
    CHECK(canon("GET", "/p?a=%zz", "") == QSH_E_PERCENT_MALFORMED);
    CHECK(canon("GET", "/p?a=%4", "") == QSH_E_PERCENT_MALFORMED);
    CHECK(canon("GET", "/p%", "") == QSH_E_PERCENT_MALFORMED);
    CHECK(canon("GET", "/p?a=%C0%AF", "") == QSH_E_UTF8_INVALID);
    CHECK(canon("GET", "/p?a=%ED%A0%80", "") == QSH_E_UTF8_INVALID);
    CHECK(canon_product("/a%FF", "") == QSH_E_UTF8_INVALID);
    CHECK(canon("GET", "https://u@h/x", "") == QSH_E_URL_INVALID);
    CHECK(canon("GET", "https://h:65536/x", "") == QSH_E_URL_INVALID);
    CHECK(canon("GET", "https://h:99999999999999999999/x", "") == QSH_E_URL_INVALID);
    CHECK(canon("GET", "https:///x", "") == QSH_E_URL_INVALID);
    CHECK(canon("GET", "https://[]/x", "") == QSH_E_URL_INVALID);
    CHECK(canon("GET", "ftp://h/x", "") == QSH_E_URL_SCHEME);
    CHECK(canon("GET", "https://evil/x", "https://h") == QSH_E_ORIGIN_MISMATCH);
    CHECK(canon("GET", "/x", "h/wiki") == QSH_E_BASE_URL_INVALID);
    CHECK(canon("GET", "/x", "https://h/wiki?a=1") == QSH_E_BASE_URL_INVALID);
    CHECK(canon("GET", "/x", "https://h/w%zz") == QSH_E_BASE_URL_INVALID);
    CHECK(canon_body("POST", "/p", "a=b c", "application/x-www-form-urlencoded") ==
          QSH_E_BODY_BYTE);
    CHECK(canon_body("POST", "/p", "a=%zz", "application/x-www-form-urlencoded") ==
          QSH_E_PERCENT_MALFORMED);
    /* On failure the output is empty and the parts are zero, never a partial result. */
    CHECK(out[0] == '\0' && parts.len == 0 && parts.query_off == 0);
}

static void test_limits(void) {
    size_t n = QSH_MAX_TARGET_LEN + 1;
    char *big = malloc(n);
    char *buf = malloc(4 * n);
    CHECK(big != NULL && buf != NULL);
    if (big == NULL || buf == NULL) {
        free(big);
        free(buf);
        return;
    }
    memset(big, 'a', n);
    big[0] = '/';
    qsh_request r = req_of("GET", "", "", QSH_PROFILE_SERVER);
    r.target = big;
    r.target_len = n;
    CHECK(qsh_canonicalize(ctx, &r, buf, 4 * n, &parts) == QSH_E_TARGET_TOO_LONG);
    CHECK(qsh_canonical_bound(&r) == 0);
    char hex[QSH_HEX_SIZE];
    CHECK(qsh_compute(ctx, &r, hex) == QSH_E_TARGET_TOO_LONG);
    r.target_len = n - 1; /* exactly the limit is allowed */
    CHECK(qsh_canonicalize(ctx, &r, buf, qsh_canonical_bound(&r), &parts) == QSH_OK);
    CHECK(parts.uri_len == n - 1);

    char base[QSH_MAX_BASE_URL_LEN + 2];
    memset(base, 'a', sizeof base - 1);
    memcpy(base, "https://h/", 10);
    base[sizeof base - 1] = '\0';
    CHECK(canon("GET", "/p", base) == QSH_E_BASE_URL_TOO_LONG);

    r = req_of("POST", "/p", "", QSH_PROFILE_SERVER);
    r.body = big;
    r.body_len = QSH_MAX_BODY_LEN + 1; /* only the length is looked at before it is refused */
    r.content_type = "application/x-www-form-urlencoded";
    r.content_type_len = strlen(r.content_type);
    CHECK(qsh_canonicalize(ctx, &r, buf, 4 * n, &parts) == QSH_E_BODY_TOO_LONG);
    CHECK(qsh_canonical_bound(&r) == 0);
    CHECK(qsh_compute(ctx, &r, hex) == QSH_E_BODY_TOO_LONG);
    free(big);
    free(buf);
}

/* A body over its limit counts only where it applies: a GET, or a POST that is not a form,
 * ignores it, so it neither makes the bound 0 nor fails the request. */
static void test_bound_of_ignored_body(void) {
    size_t n = QSH_MAX_BODY_LEN + 1;
    char *body = malloc(n);
    CHECK(body != NULL);
    if (body == NULL) {
        return;
    }
    memset(body, 'a', n);
    char want[QSH_HEX_SIZE], hex[QSH_HEX_SIZE];
    qsh_request r = req_of("GET", "/p?a=1", "", QSH_PROFILE_SERVER);
    CHECK(qsh_compute(ctx, &r, want) == QSH_OK);
    r.body = body;
    r.body_len = n;
    r.content_type = "application/x-www-form-urlencoded";
    r.content_type_len = strlen(r.content_type);
    CHECK(qsh_canonical_bound(&r) >= strlen("GET&/p&a=1") + 1);
    CHECK(qsh_compute(ctx, &r, hex) == QSH_OK && memcmp(hex, want, QSH_HEX_SIZE) == 0);

    r.method = "POST";
    r.method_len = 4;
    r.content_type = "application/json";
    r.content_type_len = strlen(r.content_type);
    CHECK(qsh_canonical_bound(&r) > 0);
    CHECK(qsh_compute(ctx, &r, hex) == QSH_OK);
    CHECK(qsh_canonicalize(ctx, &r, out, sizeof out, &parts) == QSH_OK);
    CHECK_STR(out, "POST&/p&a=1");

    /* Pointers that break the API's rule are not looked through for the bound either. */
    r.content_type = NULL;
    CHECK(qsh_canonical_bound(&r) == 0);
    CHECK(qsh_compute(ctx, &r, hex) == QSH_E_NULL_ARG);
    free(body);
}

/* A byte that cannot be on the wire anywhere in the target is QSH_E_TARGET_BYTE, before every
 * check that follows it in the order of qsh/canonical.h, whichever part the byte is in. */
static void test_target_byte_first(void) {
    static const char *targets[] = {
        "/p q",          "/a/b/c/d/e/f/g h",   "/p?a b=1",        "/p?a=1 2",
        "/p?a=%41 b",    "/p?q=1#frag ment",   "/p#x y",          "https://h o/x",
        "https://h/x y", "https://h/x?a=\x7f", "/p?a=%C3%A9\x01", "/p?a=1&b=22222222 "};
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        const char *t = targets[i];
        CHECK(canon("GET", t, "") == QSH_E_TARGET_BYTE);
        CHECK(canon_product(t, "") == QSH_E_TARGET_BYTE);
        CHECK(canon("GET", t, "h/no-scheme") == QSH_E_TARGET_BYTE); /* before the base URL */
        CHECK(canon("GET", t, "https://other.example") == QSH_E_TARGET_BYTE); /* origin */
        CHECK(canon_body("POST", t, "a=b c", "application/x-www-form-urlencoded") ==
              QSH_E_TARGET_BYTE); /* before the body */
    }
    /* ... and before what the later parts of the same target would fail with */
    CHECK(canon("GET", "ftp://h/x y", "") == QSH_E_TARGET_BYTE);
    CHECK(canon("GET", "https://u@h/x y", "") == QSH_E_TARGET_BYTE);
    CHECK(canon("GET", "https://h:99999/x y", "") == QSH_E_TARGET_BYTE);
    CHECK(canon("GET", "/p%zz q", "") == QSH_E_TARGET_BYTE);
    CHECK(canon("GET", "/p?a=%zz&b= ", "") == QSH_E_TARGET_BYTE);
    CHECK(canon("GET", "/p?a=%C0%AF ", "") == QSH_E_TARGET_BYTE);
    CHECK(canon("GET", "/p?a=%C0%AF&b=1#\x80", "") == QSH_E_TARGET_BYTE);
    CHECK(canon_product("/a%FF b", "") == QSH_E_TARGET_BYTE);
    /* and the same targets without the byte pass or fail as their other parts say */
    CHECK(canon("GET", "/p?q=1#fragment", "") == QSH_OK);
    CHECK(canon("GET", "https://h/x?a=%7f", "https://h") == QSH_OK);
    CHECK(canon("GET", "/p?a=%C0%AF&b=1#x", "") == QSH_E_UTF8_INVALID);
}

static void test_buffers(void) {
    qsh_request r = req_of("GET", "/p?b=1&a=2", "", QSH_PROFILE_SERVER);
    const char *want = "GET&/p&a=2&b=1";
    size_t need = strlen(want) + 1;
    char small[64];
    for (size_t cap = 0; cap < need; cap++) {
        memset(small, 'X', sizeof small);
        CHECK(qsh_canonicalize(ctx, &r, small, cap, &parts) == QSH_E_BUFFER_TOO_SMALL);
        CHECK(small[cap] == 'X'); /* nothing written past cap */
    }
    CHECK(qsh_canonicalize(ctx, &r, small, need, &parts) == QSH_OK);
    CHECK_STR(small, want);
    CHECK(qsh_canonical_bound(&r) >= need);

    /* Inputs are pointer + length: bytes after the length are never read. */
    const char target[] = "/p?a=1&b=2";
    r = req_of("GET", target, "", QSH_PROFILE_SERVER);
    r.target_len = 6;
    CHECK(qsh_canonicalize(ctx, &r, out, sizeof out, &parts) == QSH_OK);
    CHECK_STR(out, "GET&/p&a=1");
    /* A NUL inside the given length is a byte like any other: not on the wire. */
    r.target = "/p\0q";
    r.target_len = 4;
    CHECK(qsh_canonicalize(ctx, &r, out, sizeof out, &parts) == QSH_E_TARGET_BYTE);
}

static void test_hash(void) {
    char hex[QSH_HEX_SIZE];
    qsh_request r = req_of("GET", "/rest/api/2/issue/ABC-1", "", QSH_PROFILE_SERVER);
    CHECK(qsh_compute(ctx, &r, hex) == QSH_OK);
    /* printf %s 'GET&/rest/api/2/issue/ABC-1&' | sha256sum */
    CHECK_STR(hex, "8a06c1619cb7c58c405b96da04d2cb58203ee1d21ef90bd3aecca8afe3399335");
    CHECK(qsh_sha256_hex(ctx, "", 0, hex) == QSH_OK);
    CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(qsh_compute(NULL, &r, hex) == QSH_E_NULL_ARG);
    CHECK(qsh_sha256_hex(ctx, NULL, 1, hex) == QSH_E_NULL_ARG);
    r.method = "bad method";
    r.method_len = strlen(r.method);
    CHECK(qsh_compute(ctx, &r, hex) == QSH_E_METHOD_INVALID);
}

/* Many parameters: the output is sorted by name and the context is reusable afterwards. */
static void test_many_params(void) {
    enum { N = 5000 };
    size_t cap = N * 16 + 16;
    char *target = malloc(cap), *buf = NULL;
    size_t len = 0;
    CHECK(target != NULL);
    if (target == NULL) {
        return;
    }
    len += (size_t)snprintf(target, cap, "/p?");
    for (int i = N - 1; i >= 0; i--) {
        len += (size_t)snprintf(target + len, cap - len, "k%05d=%d&", i % 2500, i);
    }
    qsh_request r = req_of("GET", "", "", QSH_PROFILE_SERVER);
    r.target = target;
    r.target_len = len;
    buf = malloc(qsh_canonical_bound(&r));
    CHECK(buf != NULL);
    if (buf != NULL) {
        CHECK(qsh_canonicalize(ctx, &r, buf, qsh_canonical_bound(&r), &parts) == QSH_OK);
        /* k00000 has values 0 and 2500, in string order */
        CHECK(strncmp(buf + parts.query_off, "k00000=0,2500&k00001=1,2501&", 28) == 0);
        CHECK(strncmp(buf + parts.len - 16, "k02499=2499,4999", 16) == 0);
    }
    CANON_IS(canon("GET", "/small?b=1&a=1", ""), "GET&/small&a=1&b=1");
    free(buf);
    free(target);
}

/* The public UTF-8 test: RFC 3629's well-formed sequences only. */
static void test_utf8_valid(void) {
    CHECK(qsh_utf8_valid("", 0) && qsh_utf8_valid("plain ascii", 11));
    CHECK(qsh_utf8_valid("\xE2\x82\xAC", 3) && qsh_utf8_valid("\xF4\x8F\xBF\xBF", 4));
    CHECK(!qsh_utf8_valid("\xE2\x82", 2));         /* cut short */
    CHECK(!qsh_utf8_valid("\xC0\xAF", 2));         /* overlong '/' */
    CHECK(!qsh_utf8_valid("\xED\xA0\x80", 3));     /* a surrogate */
    CHECK(!qsh_utf8_valid("\xF4\x90\x80\x80", 4)); /* above U+10FFFF */
    CHECK(!qsh_utf8_valid("abcdefgh\xFF", 9));     /* after the eight-byte fast path */
    CHECK(qsh_utf8_valid(NULL, 0) && !qsh_utf8_valid(NULL, 1));
}

int main(void) {
    ctx = qsh_ctx_new();
    CHECK(ctx != NULL);
    if (ctx == NULL) {
        return check_finish();
    }
    test_rules();
    test_parts();
    test_statuses();
    test_target_byte_first();
    test_limits();
    test_bound_of_ignored_body();
    test_buffers();
    test_hash();
    test_many_params();
    test_utf8_valid();
    qsh_ctx_free(ctx);
    qsh_ctx_free(NULL);
    return check_finish();
}
