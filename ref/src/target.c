#include "target.h"

#include <stdint.h>
#include <string.h>

#include "ascii.h"
#include "mask16.h"

/* Length of "scheme" when t starts with "scheme://", else 0 (RFC 3986 scheme syntax). */
static size_t scheme_length(qsh_cur t) {
    size_t n = cur_len(t), i = 0;
    if (n == 0 || !ascii_is_alpha(t.p[0])) {
        return 0;
    }
    for (i = 1; i < n; i++) {
        unsigned char b = t.p[i];
        if (!(ascii_is_alpha(b) || ascii_is_digit(b) || b == '+' || b == '-' || b == '.')) {
            break;
        }
    }
    if (n - i >= 3 && t.p[i] == ':' && t.p[i + 1] == '/' && t.p[i + 2] == '/') {
        return i;
    }
    return 0;
}

/* Parses "host[:port]" (host may be an IPv6 literal in brackets). */
static qsh_status authority_parse(qsh_cur a, qsh_origin *o, unsigned default_port) {
    size_t n = cur_len(a);
    size_t host_end = n;
    if (n == 0 || cur_find(a, (unsigned char)'@') < n) {
        return QSH_E_URL_INVALID; /* empty host, or userinfo, which Connect never sends */
    }
    if (a.p[0] == '[') {
        size_t close = cur_find(a, (unsigned char)']');
        if (close == n) {
            return QSH_E_URL_INVALID;
        }
        host_end = close + 1;
        if (host_end < n && a.p[host_end] != ':') {
            return QSH_E_URL_INVALID;
        }
    } else {
        host_end = cur_find(a, (unsigned char)':');
    }
    if (host_end == 0 || (a.p[0] == '[' && host_end == 2)) {
        return QSH_E_URL_INVALID;
    }
    o->host = cur_head(a, host_end);
    o->port = default_port;
    if (host_end < n) { /* ":port"; an empty port means the default (RFC 3986 3.2.3) */
        qsh_cur digits = cur_tail(a, host_end + 1);
        if (!cur_eof(digits)) {
            unsigned long port = 0;
            for (const unsigned char *q = digits.p; q < digits.end; q++) {
                if (!ascii_is_digit(*q)) {
                    return QSH_E_URL_INVALID;
                }
                port = port * 10u + (unsigned long)(*q - '0');
                if (port > 65535u) {
                    return QSH_E_URL_INVALID;
                }
            }
            o->port = (unsigned)port;
        }
    }
    return QSH_OK;
}

qsh_status target_split(qsh_cur t, int query_to_end, qsh_target *out) {
    const unsigned char *start = t.p;
    int found;
    qsh_target r = {0};
    size_t slen = scheme_length(t);
    if (slen > 0) {
        unsigned default_port;
        r.origin.scheme = cur_head(t, slen);
        if (ascii_ieq_lit(t.p, slen, "https")) {
            default_port = 443;
        } else if (ascii_ieq_lit(t.p, slen, "http")) {
            default_port = 80;
        } else {
            return QSH_E_URL_SCHEME;
        }
        qsh_cur rest = cur_tail(t, slen + 3);
        size_t auth_len = 0;
        while (auth_len < cur_len(rest) && rest.p[auth_len] != '/' && rest.p[auth_len] != '?' &&
               rest.p[auth_len] != '#') {
            auth_len++;
        }
        qsh_status st = authority_parse(cur_head(rest, auth_len), &r.origin, default_port);
        if (st != QSH_OK) {
            return st;
        }
        r.absolute = 1;
        t = cur_tail(rest, auth_len);
    }
    /* The path ends at the first '?' or '#' (a '?' after '#' belongs to the fragment); the
     * same pass notes whether it holds a '%' or a '&', which most paths do not. Sixteen bytes at
     * a time (mask16.h); the last few through the 16 bytes that end where the target ends,
     * overlapping the ones before, or one by one in a target shorter than 16 bytes. */
    const unsigned char *p = t.p;
    for (;;) {
        size_t left = (size_t)(t.end - p);
        unsigned stop = 0, pct = 0, amp = 0, n = 16;
        if (left >= 16) {
            stop = mask16_eq(p, '?') | mask16_eq(p, '#');
            pct = mask16_eq(p, '%');
            amp = mask16_eq(p, '&');
        } else if (t.end - start >= 16) {
            const unsigned char *q = t.end - 16;
            unsigned skip = 16 - (unsigned)left;
            stop = (mask16_eq(q, '?') | mask16_eq(q, '#')) >> skip;
            pct = mask16_eq(q, '%') >> skip;
            amp = mask16_eq(q, '&') >> skip;
            n = (unsigned)left;
        } else { /* byte by byte: a padded copy would stall the load that reads it */
            stop = mask_eq_n(p, left, '?') | mask_eq_n(p, left, '#');
            pct = mask_eq_n(p, left, '%');
            amp = mask_eq_n(p, left, '&');
            n = (unsigned)left;
        }
        if (stop != 0) {
            n = (unsigned)__builtin_ctz(stop);
        }
        unsigned before = (1u << n) - 1; /* the bytes of the path among the 16 */
        r.path_has_pct |= (pct & before) != 0;
        r.path_has_amp |= (amp & before) != 0;
        p += n;
        if (stop != 0 || left <= 16) {
            break;
        }
    }
    r.path = cur_make(t.p, (size_t)(p - t.p));
    if (p < t.end && *p == '?') {
        qsh_cur rest = cur_tail(t, (size_t)(p - t.p) + 1);
        r.query = query_to_end ? rest : cur_split(&rest, '#', &found);
        r.has_query = 1;
        r.has_fragment = query_to_end ? 0 : found;
    } else {
        r.query = cur_make(p, 0);
        r.has_fragment = p < t.end;
    }
    *out = r;
    return QSH_OK;
}

static int cur_ieq(qsh_cur a, qsh_cur b) {
    if (cur_len(a) != cur_len(b)) {
        return 0;
    }
    for (size_t i = 0; i < cur_len(a); i++) {
        if (ascii_lower(a.p[i]) != ascii_lower(b.p[i])) {
            return 0;
        }
    }
    return 1;
}

int origin_equal(const qsh_origin *a, const qsh_origin *b) {
    return cur_ieq(a->scheme, b->scheme) && cur_ieq(a->host, b->host) && a->port == b->port;
}
