/* Fuzz target: query canonicalization.
 *
 * Input: the bytes of a query. Bytes that cannot be on the wire are mapped onto printable
 * ASCII (0x21 + b % 94), so that every input reaches the query parser instead of stopping at
 * QSH_E_TARGET_BYTE; fuzz_request covers that check. The request is "GET /q?<query>".
 *
 * Properties, against a model of the rules written here (form decoding, strict UTF-8, the
 * order of the checks): the status is the model's (the first piece with a malformed escape or
 * bad UTF-8 in its name, then its value, decides); the canonical query is canonically encoded,
 * its names sorted, unique and never jwt (prop_query); the values of each name are in the
 * order of their UTF-16 code units; and decoding the canonical query gives back exactly the
 * input's parameters, as (name, value) pairs, none lost, changed or invented. */
#include <stdint.h>

#include "fuzz_props.h"
#include "qsh/qsh.h"

#define MAX_QUERY 8192

static qsh_ctx *ctx;

typedef struct pair {
    const unsigned char *name, *value;
    size_t name_len, value_len;
} pair;

/* The parameters of the input (decoded) and of the output (decoded), and their bytes. */
static pair in_pairs[MAX_QUERY / 2 + 1], out_pairs[MAX_QUERY / 2 + 1];
static unsigned char in_bytes[MAX_QUERY], out_bytes[MAX_QUERY];

static int hex_value(unsigned char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Form-decodes s[0..n) into out ('+' is a space). QSH_E_PERCENT_MALFORMED for a '%' without
 * two hex digits, QSH_E_UTF8_INVALID when the bytes are not strict UTF-8, else QSH_OK. */
static qsh_status form_decode(const char *s, size_t n, unsigned char *out, size_t *len) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            if (i + 2 >= n) {
                return QSH_E_PERCENT_MALFORMED;
            }
            int h = hex_value((unsigned char)s[i + 1]), l = hex_value((unsigned char)s[i + 2]);
            if (h < 0 || l < 0) {
                return QSH_E_PERCENT_MALFORMED;
            }
            out[k++] = (unsigned char)(h * 16 + l);
            i += 2;
        } else {
            out[k++] = s[i] == '+' ? ' ' : (unsigned char)s[i];
        }
    }
    *len = k;
    return prop_utf8_strict(out, k) ? QSH_OK : QSH_E_UTF8_INVALID;
}

/* The model: the status the rules give the query q[0..n), and its parameters. */
static qsh_status model(const char *q, size_t n, size_t *count) {
    const char *hash = memchr(q, '#', n);
    size_t used = 0;
    n = hash ? (size_t)(hash - q) : n;
    *count = 0;
    for (size_t i = 0; i < n;) {
        size_t end = i;
        while (end < n && q[end] != '&') {
            end++;
        }
        if (end > i) {
            const char *eq = memchr(q + i, '=', end - i);
            size_t raw_name = eq ? (size_t)(eq - (q + i)) : end - i;
            pair *p = &in_pairs[*count];
            qsh_status st = form_decode(q + i, raw_name, in_bytes + used, &p->name_len);
            if (st != QSH_OK) {
                return st;
            }
            p->name = in_bytes + used;
            used += p->name_len;
            const char *v = eq ? eq + 1 : q + end;
            st = form_decode(v, (size_t)(q + end - v), in_bytes + used, &p->value_len);
            if (st != QSH_OK) {
                return st;
            }
            p->value = in_bytes + used;
            used += p->value_len;
            if (p->name_len > 0 && !(p->name_len == 3 && memcmp(p->name, "jwt", 3) == 0)) {
                (*count)++;
            }
        }
        i = end + 1;
    }
    return QSH_OK;
}

/* Decodes the canonical query (known canonically encoded by prop_query) into out_pairs. */
static size_t decode_output(const char *q, size_t n) {
    size_t count = 0, used = 0;
    for (size_t i = 0; i < n;) {
        size_t end = i;
        while (end < n && q[end] != '&') {
            end++;
        }
        const char *eq = memchr(q + i, '=', end - i);
        const unsigned char *name = out_bytes + used;
        size_t name_len;
        form_decode(q + i, (size_t)(eq - (q + i)), out_bytes + used, &name_len);
        used += name_len;
        for (size_t v = (size_t)(eq + 1 - q); v <= end;) {
            size_t ve = v;
            while (ve < end && q[ve] != ',') {
                ve++;
            }
            pair *p = &out_pairs[count++];
            p->name = name;
            p->name_len = name_len;
            p->value = out_bytes + used;
            form_decode(q + v, ve - v, out_bytes + used, &p->value_len);
            used += p->value_len;
            v = ve + 1;
        }
        i = end + 1;
    }
    return count;
}

/* A hash of a multiset of pairs: the sum of each pair's FNV-1a hash, so that the order does
 * not count. Cheaper per input than sorting both lists, and a difference is missed only by a
 * 64-bit collision. */
static uint64_t pairs_hash(const pair *p, size_t n) {
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t h = 14695981039346656037u;
        for (size_t k = 0; k < p[i].name_len; k++) {
            h = (h ^ p[i].name[k]) * 1099511628211u;
        }
        h = (h ^ 0x100) * 1099511628211u; /* between name and value: no byte has this value */
        for (size_t k = 0; k < p[i].value_len; k++) {
            h = (h ^ p[i].value[k]) * 1099511628211u;
        }
        sum += h;
    }
    return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char target[MAX_QUERY + 4];
    static char out[6 * MAX_QUERY + 64];
    if (size > MAX_QUERY) {
        return 0;
    }
    if (ctx == NULL && (ctx = qsh_ctx_new()) == NULL) {
        abort();
    }
    memcpy(target, "/q?", 3);
    map_wire(data, size, target + 3);
    qsh_request r = {"GET", 3, target, size + 3, NULL, 0, QSH_PROFILE_SERVER, NULL, 0, NULL, 0};
    qsh_canonical parts;
    size_t bound = qsh_canonical_bound(&r);
    prop(bound <= sizeof out, "bound larger than documented");
    qsh_status st = qsh_canonicalize(ctx, &r, out, bound, &parts);
    size_t n_in;
    qsh_status want = model(target + 3, size, &n_in);
    if (st != want) {
        fprintf(stderr, "status %s, the rules give %s\n", qsh_status_name(st),
                qsh_status_name(want));
    }
    prop(st == want, "the status is not the rules' status");
    if (st != QSH_OK) {
        prop(parts.len == 0, "parts set on failure");
        return 0;
    }
    prop(parts.len < bound && out[parts.len] == '\0', "output not terminated within bound");
    prop(parts.uri_len == 2 && memcmp(out + parts.uri_off, "/q", 2) == 0, "URI changed");
    /* 3 bytes per input byte, and one '=' for a last piece that has none ("+[" gives
     * "%20%5B="); every other '='-less piece is followed by a '&' that pays for its '='. */
    prop(parts.query_len <= 3 * size + 1, "query longer than 3 bytes per input byte, plus 1");
    size_t values = prop_query(out + parts.query_off, parts.query_len);
    size_t n_out = decode_output(out + parts.query_off, parts.query_len);
    prop(values == n_out && n_out == n_in, "a parameter was lost or invented");
    for (size_t i = 1; i < n_out; i++) {
        const pair *a = &out_pairs[i - 1], *b = &out_pairs[i];
        if (a->name == b->name) { /* the same name: its values in UTF-16 order */
            prop(prop_utf16_cmp(a->value, a->value_len, b->value, b->value_len) <= 0,
                 "values not in UTF-16 order");
        }
    }
    prop(pairs_hash(in_pairs, n_in) == pairs_hash(out_pairs, n_out),
         "decoding the canonical query does not give the input's parameters");
    return 0;
}
