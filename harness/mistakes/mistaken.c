/* A canonicalizer with switches: each known mistake of mistakes.h changes one step the way a
 * real library gets it wrong. It is written for clarity, not speed (diagnose and fuzz-diff call
 * it a few thousand times per request), and it leaves every check of the rules to the
 * reference: once the reference accepts a request, its bytes are known to be well-formed. */
#include <stdlib.h>
#include <string.h>

#include "mistakes/catalogue.h"

#define HAS(m) ((mask & QC_MK(m)) != 0)

/* A growing byte string; a failed allocation sets oom and later appends do nothing. */
typedef struct sbuf {
    char *p;
    size_t n, cap;
    int oom;
} sbuf;

static void sb_reserve(sbuf *b, size_t n);

static void sb_put(sbuf *b, const void *p, size_t n) {
    sb_reserve(b, n);
    if (b->oom || n == 0) {
        return;
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
    b->p[b->n] = '\0';
}

/* Makes room for n more bytes, so that a pointer into the buffer stays valid while they are
 * appended. */
static void sb_reserve(sbuf *b, size_t n) {
    if (!b->oom && b->n + n + 1 > b->cap) {
        size_t cap = (b->n + n + 1) * 2;
        char *grown = realloc(b->p, cap);
        if (grown == NULL) {
            b->oom = 1;
            return;
        }
        b->p = grown;
        b->cap = cap;
    }
}

static void sb_byte(sbuf *b, char c) {
    sb_put(b, &c, 1);
}

/* A slice of some buffer, by offset, so that it survives the buffer growing. */
typedef struct span {
    size_t off, n;
} span;

static int is_unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

static int hexval(char c) {
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* Percent-decodes s (well-formed: the reference checked it); '+' is a space when plus. */
static void pct_decode(sbuf *out, const char *s, size_t n, int plus) {
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n) {
            sb_byte(out, (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
            i += 2;
        } else {
            sb_byte(out, plus && s[i] == '+' ? ' ' : s[i]);
        }
    }
}

/* Percent-encodes bytes as a library making the encoding mistakes in mask would. */
static void pct_encode(sbuf *out, const char *s, size_t n, uint64_t mask) {
    static const char upper[] = "0123456789ABCDEF", lower[] = "0123456789abcdef";
    const char *hex = HAS(LowercaseHex) ? lower : upper;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_unreserved(c) && !(c == '~' && HAS(TildeEncoded)) &&
            !(c == '_' && HAS(UnderscoreEncoded))) {
            sb_byte(out, (char)c);
        } else if (c == ' ' && HAS(SpaceAsPlus)) {
            sb_byte(out, '+');
        } else if (HAS(SubDelimsUnencoded) && c != '\0' && strchr("!'()*", c) != NULL) {
            sb_byte(out, (char)c);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            sb_put(out, e, 3);
        }
    }
}

/* The next UTF-16 code unit of the UTF-8 string s[*i..n); *low holds a pending low surrogate.
 * Bytes that are not UTF-8 (a mistake can make them) count as units of their own value. */
static unsigned next_unit(const unsigned char *s, size_t n, size_t *i, unsigned *low) {
    if (*low != 0) {
        unsigned u = *low;
        *low = 0;
        return u;
    }
    unsigned c = s[*i], cp = c, len = 1;
    if (c >= 0xF0 && *i + 3 < n) {
        cp = ((c & 7u) << 18) | ((s[*i + 1] & 63u) << 12) | ((s[*i + 2] & 63u) << 6) |
             (s[*i + 3] & 63u);
        len = 4;
    } else if (c >= 0xE0 && c < 0xF0 && *i + 2 < n) {
        cp = ((c & 15u) << 12) | ((s[*i + 1] & 63u) << 6) | (s[*i + 2] & 63u);
        len = 3;
    } else if (c >= 0xC0 && c < 0xE0 && *i + 1 < n) {
        cp = ((c & 31u) << 6) | (s[*i + 1] & 63u);
        len = 2;
    }
    *i += len;
    if (cp >= 0x10000) {
        cp -= 0x10000;
        *low = 0xDC00 + (cp & 0x3FF);
        return 0xD800 + (cp >> 10);
    }
    return cp;
}

/* Java's String.compareTo on the decoded strings: UTF-16 code units. */
static int cmp_utf16(const char *a, size_t an, const char *b, size_t bn) {
    size_t i = 0, j = 0;
    unsigned la = 0, lb = 0;
    while ((i < an || la) && (j < bn || lb)) {
        unsigned ua = next_unit((const unsigned char *)a, an, &i, &la);
        unsigned ub = next_unit((const unsigned char *)b, bn, &j, &lb);
        if (ua != ub) {
            return ua < ub ? -1 : 1;
        }
    }
    int a_left = i < an || la, b_left = j < bn || lb;
    return a_left - b_left;
}

static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn) {
    int c = memcmp(a, b, an < bn ? an : bn);
    return c != 0 ? c : (an > bn) - (an < bn);
}

/* A JavaScript array index: "0" or digits without a leading 0, below 2^32 - 1. */
static int array_index(const char *s, size_t n, uint64_t *v) {
    if (n == 0 || n > 10 || (n > 1 && s[0] == '0')) {
        return 0;
    }
    *v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
        *v = *v * 10 + (uint64_t)(s[i] - '0');
    }
    return *v < 0xFFFFFFFFu;
}

typedef struct mparam {
    span name, value; /* decoded, in the parameter store */
    span key;         /* the name's sort key: its encoded form */
    span vkey;        /* the value's sort key under ValuesSortedEncoded */
    int had_eq;
    size_t order;
} mparam;

typedef struct mstate {
    uint64_t mask;
    sbuf store;
    mparam *params;
    size_t count, cap;
    int oom;
} mstate;

static const char *at(const mstate *st, span s) {
    /* the store stays NULL until a byte goes in; NULL + 0 is undefined behaviour */
    return st->store.p != NULL ? st->store.p + s.off : "";
}

static span store_decoded(mstate *st, const char *s, size_t n, int plus) {
    span r = {st->store.n, 0};
    pct_decode(&st->store, s, n, plus);
    r.n = st->store.n - r.off;
    return r;
}

static span store_raw(mstate *st, const char *s, size_t n) {
    span r = {st->store.n, n};
    sb_put(&st->store, s, n);
    return r;
}

static int jwt_name(const char *s, size_t n, int any_case) {
    if (n != 3) {
        return 0;
    }
    if (!any_case) {
        return memcmp(s, "jwt", 3) == 0;
    }
    return (s[0] | 0x20) == 'j' && (s[1] | 0x20) == 'w' && (s[2] | 0x20) == 't';
}

static void add_param(mstate *st, const char *piece, size_t n) {
    uint64_t mask = st->mask;
    const char *eq = memchr(piece, '=', n);
    size_t name_n = eq ? (size_t)(eq - piece) : n;
    const char *val = eq ? eq + 1 : piece + n;
    size_t val_n = eq ? n - name_n - 1 : 0;
    if (HAS(ValueCutAtSecondEquals)) {
        const char *eq2 = memchr(val, '=', val_n);
        val_n = eq2 ? (size_t)(eq2 - val) : val_n;
    }
    int plus = !HAS(PlusNotSpace);
    mparam p = {{0, 0}, {0, 0}, {0, 0}, {0, 0}, eq != NULL, st->count};
    p.name =
        HAS(DoubleEncoded) ? store_raw(st, piece, name_n) : store_decoded(st, piece, name_n, plus);
    p.value = HAS(DoubleEncoded) ? store_raw(st, val, val_n) : store_decoded(st, val, val_n, plus);
    if (st->store.oom) {
        st->oom = 1;
        return;
    }
    if (p.name.n == 0 && !HAS(EmptyNameKept)) {
        return;
    }
    if (HAS(ValuesTrimmedUnquoted)) {
        /* An HTTP header-value parser: optional whitespace trimmed, then a quoted-string's
         * quotes removed. */
        const char *v = at(st, p.value);
        while (p.value.n > 0 && (v[0] == ' ' || v[0] == '\t')) {
            p.value.off++;
            p.value.n--;
            v++;
        }
        while (p.value.n > 0 && (v[p.value.n - 1] == ' ' || v[p.value.n - 1] == '\t')) {
            p.value.n--;
        }
        if (p.value.n >= 2 && v[0] == '"' && v[p.value.n - 1] == '"') {
            p.value.off++;
            p.value.n -= 2;
        }
    }
    if (HAS(NameCharsToUnderscore)) {
        for (size_t i = 0; i < p.name.n; i++) {
            char *c = st->store.p + p.name.off + i;
            *c = (*c == '.' || *c == ' ') ? '_' : *c;
        }
    }
    if (!HAS(JwtKept) && jwt_name(at(st, p.name), p.name.n, HAS(JwtCaseInsensitive))) {
        return;
    }
    if (st->count == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 16;
        mparam *grown = realloc(st->params, cap * sizeof *grown);
        if (grown == NULL) {
            st->oom = 1;
            return;
        }
        st->params = grown;
        st->cap = cap;
    }
    st->params[st->count++] = p;
}

static void add_params(mstate *st, const char *s, size_t n) {
    uint64_t mask = st->mask;
    size_t kept = 0;
    for (size_t i = 0; i <= n && !st->oom;) {
        size_t j = i;
        while (j < n && s[j] != '&' && !(s[j] == ';' && HAS(SemicolonSeparator))) {
            j++;
        }
        if (j > i) {
            if (HAS(ParameterLimit1000) && kept++ >= 1000) {
                return;
            }
            add_param(st, s + i, j - i);
        }
        i = j + 1;
    }
}

typedef int (*mparam_cmp)(const mstate *st, const mparam *a, const mparam *b);

/* A stable merge sort of p[0..n) (qsort takes no context pointer, and global state is out). */
static int sort_params(const mstate *st, mparam *p, size_t n, mparam_cmp cmp) {
    mparam *tmp = n > 1 ? malloc(n * sizeof *tmp) : NULL;
    if (n > 1 && tmp == NULL) {
        return -1;
    }
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n,
                   hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                tmp[k++] = cmp(st, &p[j], &p[i]) < 0 ? p[j++] : p[i++];
            }
            while (i < mid) {
                tmp[k++] = p[i++];
            }
            while (j < hi) {
                tmp[k++] = p[j++];
            }
        }
        memcpy(p, tmp, n * sizeof *p);
    }
    free(tmp);
    return 0;
}

static int cmp_names(const mstate *st, const mparam *a, const mparam *b) {
    uint64_t mask = st->mask;
    int c;
    if (HAS(NamesSortedUtf16)) {
        c = cmp_utf16(at(st, a->name), a->name.n, at(st, b->name), b->name.n);
    } else if (HAS(NamesSortedDecoded)) {
        c = cmp_bytes(at(st, a->name), a->name.n, at(st, b->name), b->name.n);
    } else {
        uint64_t va = 0, vb = 0;
        int na = HAS(NumericNamesReordered) && array_index(at(st, a->name), a->name.n, &va);
        int nb = HAS(NumericNamesReordered) && array_index(at(st, b->name), b->name.n, &vb);
        if (na != nb) {
            return na ? -1 : 1;
        }
        c = na ? (va > vb) - (va < vb)
               : cmp_bytes(at(st, a->key), a->key.n, at(st, b->key), b->key.n);
    }
    if (c == 0) { /* different names never tie above; equal names keep the order sent */
        c = cmp_bytes(at(st, a->name), a->name.n, at(st, b->name), b->name.n);
    }
    return c != 0 ? c : (a->order > b->order) - (a->order < b->order);
}

static int cmp_values(const mstate *st, const mparam *a, const mparam *b) {
    int c;
    if (st->mask & QC_MK(ValuesSortedEncoded)) {
        c = cmp_bytes(at(st, a->vkey), a->vkey.n, at(st, b->vkey), b->vkey.n);
    } else {
        c = cmp_utf16(at(st, a->value), a->value.n, at(st, b->value), b->value.n);
    }
    return c != 0 ? c : (a->order > b->order) - (a->order < b->order);
}

static int same_name(const mstate *st, const mparam *a, const mparam *b) {
    return a->name.n == b->name.n && memcmp(at(st, a->name), at(st, b->name), a->name.n) == 0;
}

static void write_one(const mstate *st, sbuf *out, const mparam *p) {
    uint64_t mask = st->mask;
    if (HAS(NamesNotEncoded)) {
        sb_put(out, at(st, p->name), p->name.n);
    } else {
        pct_encode(out, at(st, p->name), p->name.n, mask);
    }
    if (!p->had_eq && p->value.n == 0 && HAS(ValuelessBare)) {
        return;
    }
    if (!p->had_eq && p->value.n == 0 && HAS(ValuelessNull)) {
        sb_put(out, "=null", 5);
        return;
    }
    sb_byte(out, '=');
    pct_encode(out, at(st, p->value), p->value.n, mask);
}

/* Writes one name's values: g[0..n) in the order sent. */
static void write_group(const mstate *st, sbuf *out, mparam *g, size_t n) {
    uint64_t mask = st->mask;
    if (HAS(RepeatedFirstWins)) {
        n = 1;
    } else if (HAS(RepeatedLastWins)) {
        g += n - 1;
        n = 1;
    } else if (!HAS(ValuesNotSorted)) {
        if (sort_params(st, g, n, cmp_values) != 0) {
            out->oom = 1;
            return;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || HAS(RepeatedNotJoined)) {
            if (i > 0) {
                sb_byte(out, '&');
            }
            write_one(st, out, &g[i]);
        } else {
            sb_byte(out, ',');
            pct_encode(out, at(st, g[i].value), g[i].value.n, mask);
        }
    }
}

static void write_query(mstate *st, sbuf *out) {
    uint64_t mask = st->mask;
    for (size_t i = 0; i < st->count; i++) { /* sort keys, made once */
        mparam *p = &st->params[i];
        /* the encoded forms are read from the store and written to it: room first */
        sb_reserve(&st->store, 3 * (p->name.n + p->value.n));
        if (st->store.oom) {
            break;
        }
        p->key.off = st->store.n;
        pct_encode(&st->store, at(st, p->name), p->name.n, 0);
        p->key.n = st->store.n - p->key.off;
        if (HAS(ValuesSortedEncoded)) {
            p->vkey.off = st->store.n;
            pct_encode(&st->store, at(st, p->value), p->value.n, mask);
            p->vkey.n = st->store.n - p->vkey.off;
        }
    }
    if (st->store.oom) {
        st->oom = 1;
        return;
    }
    if (sort_params(st, st->params, st->count, cmp_names) != 0) {
        st->oom = 1;
        return;
    }
    for (size_t i = 0; i < st->count;) {
        size_t j = i + 1;
        while (j < st->count && same_name(st, &st->params[i], &st->params[j])) {
            j++;
        }
        if (i > 0) {
            sb_byte(out, '&');
        }
        write_group(st, out, st->params + i, j - i);
        i = j;
    }
}

/* After "scheme://", the authority runs to the first '/', '?' or '#'. Returns where the rest
 * starts, or NULL when s has no "scheme://". */
static const char *after_origin(const char *s, size_t n) {
    size_t i = 0;
    if (n == 0 || !((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z')) {
        return NULL;
    }
    while (i < n && (is_unreserved((unsigned char)s[i]) || s[i] == '+') && s[i] != '_' &&
           s[i] != '~') {
        i++;
    }
    if (n - i < 3 || memcmp(s + i, "://", 3) != 0) {
        return NULL;
    }
    for (i += 3; i < n && s[i] != '/' && s[i] != '?' && s[i] != '#'; i++) {
    }
    return s + i;
}

/* How many '&' s starts with: a query of only '&' holds no parameter. */
static size_t strspn_amp(const char *s, size_t n) {
    size_t i = 0;
    while (i < n && s[i] == '&') {
        i++;
    }
    return i;
}

/* The body counts for exactly POST with exactly application/x-www-form-urlencoded (before any
 * ';', blanks trimmed), as Tomcat reads it; the mistakes change what is done with it, not
 * whether it is read. */
static int form_body(const qsh_request *req) {
    static const char form[] = "application/x-www-form-urlencoded";
    if (req->content_type == NULL || req->method_len != 4 || memcmp(req->method, "POST", 4) != 0) {
        return 0;
    }
    const char *ct = req->content_type, *semi = memchr(ct, ';', req->content_type_len);
    size_t a = 0, b = semi ? (size_t)(semi - ct) : req->content_type_len;
    while (a < b && (ct[a] == ' ' || ct[a] == '\t')) {
        a++;
    }
    while (b > a && (ct[b - 1] == ' ' || ct[b - 1] == '\t')) {
        b--;
    }
    return b - a == sizeof form - 1 && memcmp(ct + a, form, b - a) == 0;
}

/* The canonical URI, from the path and the base path (both as sent). */
static void write_uri(uint64_t mask, qsh_profile profile, const char *path, size_t path_n,
                      const char *base, size_t base_n, sbuf *out, sbuf *tmp) {
    int decode = profile == QSH_PROFILE_PRODUCT
                     ? !HAS(ProductPathNotDecoded)
                     : (HAS(ServerPathDecoded) || HAS(ServerPathReencoded));
    if (decode) {
        pct_decode(tmp, base, base_n, 0);
        size_t dbase_n = tmp->n;
        if (profile == QSH_PROFILE_SERVER && HAS(ServerPathReencoded)) {
            sbuf dec = {0};
            pct_decode(&dec, path, path_n, 0);
            for (size_t i = 0; i < dec.n; i++) {
                unsigned char c = (unsigned char)dec.p[i];
                if (c == '/' || is_unreserved(c)) {
                    sb_byte(tmp, (char)c);
                } else {
                    pct_encode(tmp, dec.p + i, 1, 0);
                }
            }
            tmp->oom |= dec.oom;
            free(dec.p);
        } else {
            pct_decode(tmp, path, path_n, 0);
        }
        if (tmp->oom) {
            out->oom = 1;
            return;
        }
        base = tmp->p ? tmp->p : "";
        base_n = dbase_n;
        path = tmp->p ? tmp->p + dbase_n : "";
        path_n = tmp->n - dbase_n;
    }
    sbuf unwiki = {0};
    if (HAS(WikiRemovedEverywhere)) {
        /* str_replace('/wiki', '', $path): every occurrence goes, wherever it is and whatever
         * the base URL, so that nothing is left for the base path to strip. */
        for (size_t r = 0; r < path_n;) {
            if (path_n - r >= 5 && memcmp(path + r, "/wiki", 5) == 0) {
                r += 5;
            } else {
                sb_byte(&unwiki, path[r++]);
            }
        }
        if (unwiki.oom) {
            out->oom = 1;
            return;
        }
        path = unwiki.p ? unwiki.p : "";
        path_n = unwiki.n;
    }
    size_t raw_base_n = base_n;
    while (base_n > 0 && base[base_n - 1] == '/') {
        base_n--;
    }
    if (base_n > 0 && !HAS(ContextPathNotStripped)) {
        size_t cut = 0;
        if (HAS(BasePathCutByLength)) {
            cut = raw_base_n < path_n ? raw_base_n : path_n;
        } else if (path_n >= base_n && memcmp(path, base, base_n) == 0 &&
#ifdef QSHCHECK_MUTANT_MISTAKEN_BASE /* a planted bug for the fuzz mutation check */
                   (HAS(BasePathStringPrefix) || (path_n > base_n && path[base_n] == '/'))) {
#else
                   (HAS(BasePathStringPrefix) || path_n == base_n || path[base_n] == '/')) {
#endif
            cut = base_n;
        }
        path += cut;
        path_n -= cut;
    }
    if (HAS(AllTrailingSlashesRemoved)) {
        while (path_n > 0 && path[path_n - 1] == '/') {
            path_n--;
        }
    } else if (!HAS(TrailingSlashKept) && path_n > 1 && path[path_n - 1] == '/') {
        path_n--;
    }
    if ((path_n == 0 || path[0] != '/') && !HAS(LeadingSlashNotAdded)) {
        sb_byte(out, '/');
    }
    for (size_t i = 0; i < path_n; i++) {
        if (path[i] == '&' && !HAS(RawAmpersandInPath)) {
            sb_put(out, "%26", 3);
        } else {
            sb_byte(out, path[i]);
        }
    }
    free(unwiki.p);
}

qsh_status qc_mistaken_canonical(qsh_ctx *ctx, const qsh_request *req, uint64_t mask, char **out,
                                 size_t *len) {
    *out = NULL;
    *len = 0;
    /* The rules' checks: the reference's status for a request it rejects. */
    size_t bound = qsh_canonical_bound(req);
    char *check = malloc(bound ? bound : 1);
    qsh_canonical parts;
    if (check == NULL) {
        return QSH_E_NO_MEMORY;
    }
    qsh_status st = qsh_canonicalize(ctx, req, check, bound ? bound : 1, &parts);
    free(check);
    if (st != QSH_OK) {
        return st;
    }
    return qc_mistaken_canonical_checked(req, mask, out, len);
}

qsh_status qc_mistaken_canonical_checked(const qsh_request *req, uint64_t mask, char **out,
                                         size_t *len) {
    *out = NULL;
    *len = 0;
    sbuf res = {0}, tmp = {0};
    mstate ms = {0};
    ms.mask = mask;
    for (size_t i = 0; i < req->method_len; i++) {
        char c = req->method[i];
        sb_byte(&res, (char)(!HAS(MethodNotUppercased) && c >= 'a' && c <= 'z' ? c - 32 : c));
    }
    sb_byte(&res, '&');

    const char *t = req->target, *end = req->target + req->target_len;
    const char *rest = after_origin(t, req->target_len);
    rest = rest ? rest : t;
    const char *hash = memchr(rest, '#', (size_t)(end - rest));
    end = hash ? hash : end;
    const char *q = memchr(rest, '?', (size_t)(end - rest));
    const char *path_end = q ? q : end;
    const char *base = "";
    size_t base_n = 0;
    if (req->base_url_len > 0) {
        base = after_origin(req->base_url, req->base_url_len);
        base_n = req->base_url_len - (size_t)(base - req->base_url);
    }
    write_uri(mask, req->profile, rest, (size_t)(path_end - rest), base, base_n, &res, &tmp);
    sb_byte(&res, '&');

    const char *query = q ? q + 1 : end;
    size_t query_n = (size_t)(end - query);
    int with_body = form_body(req);
    if (!HAS(QueryIgnored) && !HAS(QueryFromBodyOnly)) {
        add_params(&ms, query, query_n);
    }
    /* atlassian-jwt reads the body only when the parsed query is empty: any piece, even jwt */
    if (HAS(BodyIgnoredWithQuery) && query_n > strspn_amp(query, query_n)) {
        with_body = 0;
    }
    if (with_body && !HAS(QueryIgnored) && !HAS(FormBodyIgnored) && req->body != NULL) {
        add_params(&ms, req->body, req->body_len);
    }
    if (!ms.oom) {
        write_query(&ms, &res);
    }
    int oom = ms.oom || ms.store.oom || res.oom || tmp.oom;
    free(ms.store.p);
    free(ms.params);
    free(tmp.p);
    if (oom) {
        free(res.p);
        return QSH_E_NO_MEMORY;
    }
    *out = res.p;
    *len = res.n;
    return QSH_OK;
}
