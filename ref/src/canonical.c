/* qsh_canonicalize and qsh_compute: validation in a fixed order, then the three parts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "ctx.h"
#include "mask16.h"
#include "pct.h"
#include "query.h"
#include "target.h"
#include "uri.h"
#include "utf8.h"

static int span_ok(const char *p, size_t n) {
    return p != NULL || n == 0;
}

static qsh_status check_method(const char *m, size_t n) {
    if (n == 0) {
        return QSH_E_METHOD_EMPTY;
    }
    if (n > QSH_MAX_METHOD_LEN) {
        return QSH_E_METHOD_TOO_LONG;
    }
    for (size_t i = 0; i < n; i++) {
        if (!bc_is((unsigned char)m[i], QSH_BC_TCHAR)) {
            return QSH_E_METHOD_INVALID;
        }
    }
    return QSH_OK;
}

static int all_wire(const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    unsigned bad = 0;
    if (n < 16) { /* byte by byte: a padded copy would stall the load that reads it */
        return n == 0 || mask_nonwire_n(p, n) == 0;
    }
    for (size_t i = 0; n - i > 16; i += 16) { /* sixteen bytes at a time */
        bad |= mask16_nonwire(p + i);
    }
    bad |= mask16_nonwire(p + n - 16); /* the last 16, overlapping the ones before */
    return bad == 0;
}

/* The body counts only as Tomcat (Jira's and Confluence's container) reads it into the
 * parameter map: the method exactly "POST" and the media type exactly
 * "application/x-www-form-urlencoded", case-sensitive, before any ';' and with blanks trimmed.
 * Jetty also reads PUT, "post" and other cases of the media type; those vectors are acceptable
 * (docs/RULES.md, What the servers compute). */
static int body_applies(const qsh_request *req) {
    static const char form[] = "application/x-www-form-urlencoded";
    if (req->method_len != 4 || memcmp(req->method, "POST", 4) != 0) {
        return 0;
    }
    qsh_cur ct = cur_input(req->content_type, req->content_type_len);
    ct = cur_head(ct, cur_find(ct, (unsigned char)';'));
    while (!cur_eof(ct) && (ct.p[0] == ' ' || ct.p[0] == '\t')) {
        ct.p++;
    }
    while (!cur_eof(ct) && (ct.end[-1] == ' ' || ct.end[-1] == '\t')) {
        ct.end--;
    }
    return cur_len(ct) == sizeof form - 1 && memcmp(ct.p, form, sizeof form - 1) == 0;
}

static qsh_status check_base(qsh_cur b, qsh_target *base) {
    if (!all_wire((const char *)b.p, cur_len(b)) || target_split(b, 0, base) != QSH_OK ||
        !base->absolute || base->has_query || base->has_fragment ||
        pct_check(base->path) != QSH_OK) {
        return QSH_E_BASE_URL_INVALID;
    }
    return QSH_OK;
}

/* Checks and splits the base URL, or takes what the last call found for the same bytes. On
 * success *base points to the result: the context's cache, or `spare` when the cache cannot
 * grow. (A pointer, not a copy: copying the structure cost more than the lookup.) */
static qsh_status parse_base(qsh_ctx *ctx, const qsh_request *req, qsh_target *spare,
                             const qsh_target **base) {
    static const qsh_target none = {0};
    size_t n = req->base_url_len;
    *base = &none;
    if (n == 0) {
        return QSH_OK;
    }
    if (n > QSH_MAX_BASE_URL_LEN) {
        return QSH_E_BASE_URL_TOO_LONG;
    }
    for (size_t i = 0; i < QSH_BASE_CACHE; i++) {
        const struct qsh_base_entry *e = &ctx->bases[i];
        if (e->used && e->len == n && memcmp(e->copy, req->base_url, n) == 0) {
            *base = &e->parsed;
            return e->status;
        }
    }
    struct qsh_base_entry *e = &ctx->bases[ctx->base_next];
    ctx->base_next = (ctx->base_next + 1) % QSH_BASE_CACHE;
    e->used = 0;
    if (n > e->cap) {
        unsigned char *p = realloc(e->copy, n);
        if (p == NULL) { /* no cache, then: check the caller's bytes */
            *base = spare;
            return check_base(cur_make(req->base_url, n), spare);
        }
        e->copy = p;
        e->cap = n;
    }
    memcpy(e->copy, req->base_url, n);
    e->len = n;
    e->status = check_base(cur_make(e->copy, n), &e->parsed);
    e->used = 1;
    *base = &e->parsed;
    return e->status;
}

/* Puts the path and base path into the profile's form: raw for SERVER, percent-decoded and
 * UTF-8-checked for PRODUCT. */
static qsh_status profile_paths(qsh_ctx *ctx, const qsh_request *req, qsh_target *t,
                                qsh_cur *base_path) {
    if (req->profile == QSH_PROFILE_SERVER) {
        return t->path_has_pct ? pct_check(t->path) : QSH_OK;
    }
    size_t n;
    unsigned char *p = ctx_take(ctx, cur_len(t->path));
    unsigned char *b = ctx_take(ctx, cur_len(*base_path));
    if (p == NULL || b == NULL) {
        return QSH_E_NO_MEMORY;
    }
    qsh_status st = pct_decode(t->path, 0, p, &n);
    if (st != QSH_OK) {
        return st;
    }
    if (!utf8_valid(p, n)) {
        return QSH_E_UTF8_INVALID;
    }
    t->path = cur_make(p, n);
    if (pct_decode(*base_path, 0, b, &n) != QSH_OK || !utf8_valid(b, n)) {
        return QSH_E_BASE_URL_INVALID;
    }
    *base_path = cur_make(b, n);
    return QSH_OK;
}

size_t qsh_canonical_bound(const qsh_request *req) {
    if (req == NULL || req->method_len > QSH_MAX_METHOD_LEN ||
        req->target_len > QSH_MAX_TARGET_LEN || !span_ok(req->method, req->method_len) ||
        !span_ok(req->content_type, req->content_type_len)) {
        return 0;
    }
    /* A body counts, and is held to its limit, only where it applies. */
    size_t body_len = body_applies(req) ? req->body_len : 0;
    if (body_len > QSH_MAX_BODY_LEN) {
        return 0;
    }
    /* method "&" "/" uri(3 per byte) "&" query(3 per byte, target and body) NUL, with slack */
    return req->method_len + 3 * req->target_len + 3 * (req->target_len + body_len) + 16;
}

static qsh_status canonicalize(qsh_ctx *ctx, const qsh_request *req, qsh_wbuf *w,
                               qsh_canonical *parts) {
    qsh_status st;
    qsh_target t, spare;
    const qsh_target *base;
    int with_body = 0;

    if (!span_ok(req->method, req->method_len) || !span_ok(req->target, req->target_len) ||
        !span_ok(req->base_url, req->base_url_len) || !span_ok(req->body, req->body_len) ||
        !span_ok(req->content_type, req->content_type_len)) {
        return QSH_E_NULL_ARG;
    }
    if (req->profile != QSH_PROFILE_SERVER && req->profile != QSH_PROFILE_PRODUCT) {
        return QSH_E_PROFILE_INVALID;
    }
    if ((st = check_method(req->method, req->method_len)) != QSH_OK) {
        return st;
    }
    if (req->target_len == 0) {
        return QSH_E_TARGET_EMPTY;
    }
    if (req->target_len > QSH_MAX_TARGET_LEN) {
        return QSH_E_TARGET_TOO_LONG;
    }
    if (!all_wire(req->target, req->target_len)) {
        return QSH_E_TARGET_BYTE;
    }
    if ((st = parse_base(ctx, req, &spare, &base)) != QSH_OK) {
        return st;
    }
    if (body_applies(req)) {
        if (req->body_len > QSH_MAX_BODY_LEN) {
            return QSH_E_BODY_TOO_LONG;
        }
        if (!all_wire(req->body, req->body_len)) {
            return QSH_E_BODY_BYTE;
        }
        with_body = 1;
    }
    if ((st = target_split(cur_input(req->target, req->target_len), 1, &t)) != QSH_OK) {
        return st;
    }
    if (t.absolute && base->absolute && !origin_equal(&t.origin, &base->origin)) {
        return QSH_E_ORIGIN_MISMATCH;
    }

    size_t body_len = with_body ? req->body_len : 0;
    st = ctx_reserve(ctx,
                     req->target_len + req->base_url_len + params_scratch_bound(cur_len(t.query)) +
                         params_scratch_bound(body_len),
                     params_count_bound(cur_len(t.query)) + params_count_bound(body_len),
                     cur_len(t.query) > body_len ? cur_len(t.query) : body_len);
    if (st != QSH_OK) {
        return st;
    }
    qsh_cur base_path = base->path;
    if ((st = profile_paths(ctx, req, &t, &base_path)) != QSH_OK) {
        return st;
    }
    if ((st = params_collect(ctx, t.query, 1)) != QSH_OK) {
        return st;
    }
    if (with_body && (st = params_collect(ctx, cur_input(req->body, req->body_len), 0)) != QSH_OK) {
        return st;
    }

    if (w->cap - w->len >= req->method_len) {
        for (size_t i = 0; i < req->method_len; i++) {
            w->p[w->len + i] = ascii_upper((unsigned char)req->method[i]);
        }
        w->len += req->method_len;
    } else {
        w->full = 1;
    }
    parts->method_len = w->len;
    wbuf_byte(w, '&');
    parts->uri_off = w->len;
    /* A decoded path may hold a '&' that was %26 */
    uri_write(w, t.path.p, cur_len(t.path), base_path.p,
              uri_base_trim(base_path.p, cur_len(base_path)),
              t.path_has_amp || req->profile == QSH_PROFILE_PRODUCT);
    parts->uri_len = w->len - parts->uri_off;
    wbuf_byte(w, '&');
    parts->query_off = w->len;
    params_write(ctx, w);
    parts->query_len = w->len - parts->query_off;
    parts->len = w->len;
    wbuf_byte(w, '\0');
    return w->full ? QSH_E_BUFFER_TOO_SMALL : QSH_OK;
}

qsh_status qsh_canonicalize(qsh_ctx *ctx, const qsh_request *req, char *out, size_t cap,
                            qsh_canonical *parts) {
    if (parts != NULL) {
        memset(parts, 0, sizeof *parts);
    }
    if (ctx == NULL || req == NULL || out == NULL || parts == NULL) {
        return QSH_E_NULL_ARG;
    }
    qsh_wbuf w = {(unsigned char *)out, cap, 0, 0};
    qsh_status st = canonicalize(ctx, req, &w, parts);
    if (st != QSH_OK) {
        memset(parts, 0, sizeof *parts);
        if (cap > 0) {
            out[0] = '\0';
        }
    }
    return st;
}

qsh_status qsh_compute(qsh_ctx *ctx, const qsh_request *req, char hex[QSH_HEX_SIZE]) {
    qsh_canonical parts;
    char dummy[1];
    if (ctx == NULL || req == NULL || hex == NULL) {
        return QSH_E_NULL_ARG;
    }
    size_t bound = qsh_canonical_bound(req);
    if (bound == 0) { /* a length over its limit: let canonicalization name which */
        qsh_status st = qsh_canonicalize(ctx, req, dummy, sizeof dummy, &parts);
        return st != QSH_OK ? st : QSH_E_BUFFER_TOO_SMALL;
    }
    if (bound > ctx->out_cap) {
        char *p = realloc(ctx->out, bound);
        if (p == NULL) {
            return QSH_E_NO_MEMORY;
        }
        ctx->out = p;
        ctx->out_cap = bound;
    }
    qsh_status st = qsh_canonicalize(ctx, req, ctx->out, ctx->out_cap, &parts);
    if (st != QSH_OK) {
        return st;
    }
    return qsh_sha256_hex(ctx, ctx->out, parts.len, hex);
}
