#include "query.h"

#include <string.h>

#include "ascii.h"
#include "sort.h"
#include "special.h"
#include "wbuf.h"

size_t params_scratch_bound(size_t n) {
    /* every name and value in its canonical encoding, at most 3 bytes a byte, and the '=' that
     * a piece without one is given (its '&' leaves room for it, but the last piece has none),
     * and 8 bytes past them, that a name's key can be read with one load (name_key) */
    return 3 * n + 1 + 8;
}

size_t params_count_bound(size_t n) {
    return n / 2 + 1; /* non-empty pieces need a byte each and a '&' between them */
}

enum { HALF_MALFORMED = 1, HALF_BAD_UTF8 = 2 };

/* One piece of form data ("name=value"), in its canonical encoding. */
typedef struct piece {
    size_t name_len, value_len; /* written "name=value", with its '=' even where it had none */
    int state[2];               /* HALF_* flags of the name and of the value */
    int empty;                  /* "&&", or a leading or trailing '&': no parameter */
    int last;                   /* the piece ended at a '#': the data ends there */
} piece;

/* The UTF-8 rules for the bytes after a lead byte (Unicode table 3-7): how many follow, and
 * the range of the first of them, which excludes overlong forms, surrogates and code points
 * above U+10FFFF. 0 for a byte that cannot lead. */
static unsigned utf8_lead(unsigned b, unsigned *lo, unsigned *hi) {
    *lo = 0x80;
    *hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
        return 1;
    }
    if (b >= 0xE0 && b <= 0xEF) {
        *lo = b == 0xE0 ? 0xA0 : 0x80;
        *hi = b == 0xED ? 0x9F : 0xBF;
        return 2;
    }
    if (b >= 0xF0 && b <= 0xF4) {
        *lo = b == 0xF0 ? 0x90 : 0x80;
        *hi = b == 0xF4 ? 0x8F : 0xBF;
        return 3;
    }
    return 0;
}

/* The byte of the escape at p, or -1 when p does not start a well-formed one. */
static int escape_at(const unsigned char *p, const unsigned char *end) {
    unsigned hi, lo;
    if (end - p < 3 || p[0] != '%' || (hi = qsh_hex_digit[p[1]]) == 0xFF ||
        (lo = qsh_hex_digit[p[2]]) == 0xFF) {
        return -1;
    }
    return (int)(hi << 4 | lo);
}

/* Copies the k bytes at p, a run of unreserved bytes, to o. Sixteen bytes are moved at a time,
 * past the run's end where the data and the output have room: the output is written in order,
 * so the bytes past the run are overwritten by what follows. With end - p >= 16 there is room
 * in the output too: it holds 3 bytes for each byte of data, and no more than 3 for each byte
 * before p were used. */
static void copy_run(unsigned char *o, const unsigned char *p, size_t k, const unsigned char *end) {
    if (k <= 16 && end - p >= 16) {
        memcpy(o, p, 16);
    } else if (k >= 16) {
        for (size_t j = 0; j + 16 < k; j += 16) {
            memcpy(o + j, p + j, 16);
        }
        memcpy(o + k - 16, p + k - 16, 16); /* the last 16, overlapping the ones before */
    } else {
        wbuf_copy(o, p, k);
    }
}

/* Writes byte b as its escape, "%" and two uppercase hex digits, at o; returns what follows. */
static inline unsigned char *put_escape(unsigned char *o, unsigned b) {
    static const char hex[] = "0123456789ABCDEF";
    o[0] = '%';
    o[1] = (unsigned char)hex[b >> 4];
    o[2] = (unsigned char)hex[b & 15];
    return o + 3;
}

/* The bitmap's bits for the bytes from index i on, as many as are left in their word (*avail). */
static inline uint64_t bits_from(const uint64_t *bits, size_t i, size_t *avail) {
    *avail = 64 - i % 64;
    return bits[i / 64] >> (i % 64);
}

/* Writes the canonical encoding of the piece at *q into out (room for 3 bytes per byte) in one
 * pass, without decoding it into a copy first, and leaves *q after the piece's '&'. `bits` is
 * the bitmap of the data that starts at `data` (special.h): the runs of unreserved bytes it
 * shows are copied whole, and only the bytes it flags are looked at. The first '=' ends the
 * name. Bytes above 0x7F can only arrive escaped (the wire check saw to that), so
 * the UTF-8 check runs where an escape decodes to one: its continuation bytes must be the
 * escapes that follow. A malformed escape or bad UTF-8 flags its half; scanning goes on, so
 * that a malformed escape anywhere in a half is what gets reported, as when decoding first.
 * Returns the bytes written. */
static size_t transcode(const unsigned char **q, const unsigned char *data,
                        const unsigned char *end, const uint64_t *bits, int is_query,
                        unsigned char *out, piece *pc) {
    const unsigned char *p = *q, *start = p, *eq = NULL;
    unsigned char *o = out, *name_end = NULL;
    int half = 0;
    int state[2] = {0, 0};
    /* m holds the bitmap's bits for the bytes from p on, `avail` of them; it is shifted along
     * as p moves, and read again from the bitmap only where its word runs out, so that finding
     * the next flagged byte costs a shift and a count, not a load. */
    size_t avail;
    uint64_t m = bits_from(bits, (size_t)(p - data), &avail);
    for (;;) {
        if (m == 0) { /* the rest of the word's bytes are a run */
            copy_run(o, p, avail, end);
            p += avail;
            o += avail;
            m = bits_from(bits, (size_t)(p - data), &avail); /* a whole word */
            continue;
        }
        /* the run up to the next flagged byte; the bits past the end are set, so a run stops
         * there at the latest */
        size_t k = (size_t)__builtin_ctzll(m);
        copy_run(o, p, k, end);
        p += k;
        o += k;
        if (p == end) {
            break;
        }
        const unsigned char *flagged = p;
        unsigned b = *p;
        int write = 1; /* whether b is written escaped */
        if (b == '&' || (b == '#' && is_query)) {
            break;
        }
        if (b == '=' && eq == NULL) { /* the first '=' splits; later ones are data */
            eq = p;
            name_end = o;
            *o++ = '=';
            half = 1;
            write = 0;
        } else if (b == '%') {
            int e = escape_at(p, end);
            if (e < 0) {
                state[half] |= HALF_MALFORMED;
                write = 0;
            } else {
                b = (unsigned)e;
                p += 2;
                if (b >= 0x80) { /* a UTF-8 sequence: the lead here, the rest escaped after it */
                    unsigned lo, hi, need = utf8_lead(b, &lo, &hi);
                    state[half] |= need == 0 ? HALF_BAD_UTF8 : 0;
                    for (; need > 0; need--, lo = 0x80, hi = 0xBF) {
                        int c = escape_at(p + 1, end);
                        if (c < (int)lo || c > (int)hi) {
                            state[half] |= HALF_BAD_UTF8; /* the next byte is left for the loop */
                            break;
                        }
                        o = put_escape(o, b);
                        b = (unsigned)c;
                        p += 3;
                    }
                } else if (bc_is((unsigned char)b, QSH_BC_UNRESERVED)) {
                    *o++ = (unsigned char)b;
                    write = 0;
                }
            }
        } else if (b == '+') {
            b = ' ';
        }
        if (write) {
            o = put_escape(o, b);
        }
        p++;
        size_t used = k + (size_t)(p - flagged); /* of m's bits: the run and what was read */
        if (used < avail) {
            m >>= used;
            avail -= used;
        } else {
            m = bits_from(bits, (size_t)(p - data), &avail);
        }
    }
    pc->state[0] = state[0];
    pc->state[1] = state[1];
    if (eq == NULL) { /* a name alone: its value is empty */
        name_end = o;
        *o++ = '=';
    }
    pc->name_len = (size_t)(name_end - out);
    pc->value_len = (size_t)(o - name_end) - 1;
    pc->empty = p == start;
    pc->last = p < end && *p == '#';
    *q = pc->last ? end : (p < end ? p + 1 : p);
    return (size_t)(o - out);
}

/* params_name_key of a name of n >= 1 bytes that the scratch holds, from one 8-byte load: the
 * scratch has the room (params_scratch_bound), and the bytes past the name are masked off. A
 * loop over the bytes of short names mispredicts its end where names of many lengths mix. */
static uint64_t name_key(const unsigned char *name, size_t n) {
    uint64_t k;
    memcpy(&k, name, 8);
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_BIG_ENDIAN__
    k = __builtin_bswap64(k);
#endif
    return n >= 8 ? k : k & ~(~(uint64_t)0 >> (8 * n));
}

/* The status of one half: a malformed escape anywhere first, as decoding would meet it. */
static qsh_status half_status(int state) {
    if (state & HALF_MALFORMED) {
        return QSH_E_PERCENT_MALFORMED;
    }
    return (state & HALF_BAD_UTF8) ? QSH_E_UTF8_INVALID : QSH_OK;
}

qsh_status params_collect(qsh_ctx *ctx, qsh_cur data, int is_query) {
    /* Output never outgrows 3 bytes per byte of data; the caller reserved that much. */
    if (ctx->scratch_cap - ctx->scratch_used < params_scratch_bound(cur_len(data))) {
        return QSH_E_NO_MEMORY;
    }
    if (ctx->bits_cap < special_words(cur_len(data))) {
        return QSH_E_NO_MEMORY; /* cannot happen: the caller reserved it */
    }
    special_bits(data.p, cur_len(data), ctx->bits);
    const unsigned char *q = data.p;
    while (q < data.end) {
        piece pc;
        unsigned char *out = ctx->scratch + ctx->scratch_used;
        size_t n = transcode(&q, data.p, data.end, ctx->bits, is_query, out, &pc);
        if (pc.empty) {
            continue;
        }
        if ((pc.state[0] | pc.state[1]) != 0) { /* the name's problem before the value's */
            qsh_status st = half_status(pc.state[0]);
            return st != QSH_OK ? st : half_status(pc.state[1]);
        }
        ctx->scratch_used += n;
        const unsigned char *name = out, *value = out + pc.name_len + 1;
        /* Encoding is one-to-one and leaves "jwt" as it is: the encoded name tells. */
        if (pc.name_len == 0 || (pc.name_len == 3 && memcmp(name, "jwt", 3) == 0)) {
            continue; /* Tomcat ignores empty names; the token never signs itself */
        }
        if (ctx->params_len == ctx->params_cap) {
            return QSH_E_NO_MEMORY; /* cannot happen: the count was reserved from the length */
        }
        qsh_param *p = &ctx->params[ctx->params_len++];
        p->key = name_key(name, pc.name_len);
        p->name = name;
        p->name_len = pc.name_len;
        p->value = value;
        p->value_len = pc.value_len;
    }
    return QSH_OK;
}

void params_write(qsh_ctx *ctx, qsh_wbuf *w) {
    size_t n = ctx->params_len;
    params_sort(ctx->params, ctx->params_tmp, ctx->sortrecs, n);
    /* The query is at most the parameters' bytes (all in the scratch) and a separator each:
     * when that fits, as it always does in qsh_compute, it is written without a check per
     * piece. */
    if (w->cap - w->len >= ctx->scratch_used + 2 * n) {
        unsigned char *o = w->p + w->len;
        for (size_t i = 0; i < n; i++) {
            const qsh_param *p = &ctx->params[i];
            if (i > 0 && p[-1].key == p->key && params_name_cmp(p - 1, p) == 0) {
                *o++ = ',';
                wbuf_copy(o, p->value, p->value_len);
                o += p->value_len;
            } else { /* "name=value" lies whole in the scratch: one copy */
                if (i > 0) {
                    *o++ = '&';
                }
                size_t n_eq_v = p->name_len + 1 + p->value_len;
                wbuf_copy(o, p->name, n_eq_v);
                o += n_eq_v;
            }
        }
        w->len = (size_t)(o - w->p);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const qsh_param *p = &ctx->params[i];
        const qsh_param *prev = i > 0 ? &ctx->params[i - 1] : NULL;
        if (prev != NULL && prev->key == p->key && params_name_cmp(prev, p) == 0) {
            wbuf_byte(w, ','); /* repeated name: values joined in sorted order */
        } else {
            if (i > 0) {
                wbuf_byte(w, '&');
            }
            wbuf_mem(w, p->name, p->name_len);
            wbuf_byte(w, '=');
        }
        wbuf_mem(w, p->value, p->value_len);
    }
}
