#include "query.h"

#include <string.h>

#include "ascii.h"
#include "pct.h"
#include "sort.h"
#include "utf8.h"

size_t params_scratch_bound(size_t n) {
    return 4 * n; /* decoded names and values (<= n) plus encoded names (<= 3n) */
}

size_t params_count_bound(size_t n) {
    return n / 2 + 1; /* non-empty pieces need a byte each and a '&' between them */
}

/* Decodes one form-encoded component into scratch and checks that it is UTF-8. */
static qsh_status decode_component(qsh_ctx *ctx, qsh_cur s, const unsigned char **out,
                                   size_t *out_len) {
    unsigned char *dst = ctx_take(ctx, cur_len(s));
    if (dst == NULL) {
        return QSH_E_NO_MEMORY;
    }
    qsh_status st = pct_decode(s, 1, dst, out_len);
    if (st != QSH_OK) {
        return st;
    }
    if (!utf8_valid(dst, *out_len)) {
        return QSH_E_UTF8_INVALID;
    }
    *out = dst;
    return QSH_OK;
}

enum { HALF_NON_ASCII = 1, HALF_MALFORMED = 2 };

/* One piece of form data ("name=value"), as sent and in its canonical encoding. */
typedef struct piece {
    qsh_cur name_raw, value_raw;
    size_t name_len, value_len; /* of the canonical encoding, written name then value */
    int state[2];               /* HALF_* flags of the name and of the value */
    int empty;                  /* "&&", or a leading or trailing '&': no parameter */
} piece;

/* Writes the canonical encoding of the piece at *q into out (room for 3 bytes per byte) in one
 * pass, without decoding it first, and leaves *q after the piece's '&'. With split, the first
 * '=' ends the name; without it, the whole piece is one component. A half that holds an escape
 * of a non-ASCII byte, or a malformed escape, is flagged: its output is then not used (the
 * caller decodes it and checks its UTF-8, or reports it). Returns the bytes written. */
static size_t transcode(const unsigned char **q, const unsigned char *end, int split,
                        unsigned char *out, piece *pc) {
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = *q, *start = p, *eq = NULL;
    unsigned char *o = out, *name_end = NULL;
    int half = 0;
    int state[2] = {0, 0};
    for (; p < end; p++) {
        if (bc_is(*p, QSH_BC_UNRESERVED)) {
            *o++ = *p;
            continue;
        }
        unsigned b = *p;
        if (b == '&' && split) {
            break;
        }
        if (b == '=' && split && eq == NULL) { /* the first '=' splits; later ones are data */
            eq = p;
            name_end = o;
            half = 1;
            continue;
        }
        if (b == '%') {
            unsigned hi, lo;
            if (end - p < 3 || (hi = qsh_hex_digit[p[1]]) == 0xFF ||
                (lo = qsh_hex_digit[p[2]]) == 0xFF) {
                state[half] |= HALF_MALFORMED;
                continue;
            }
            b = hi << 4 | lo;
            p += 2;
            if (b >= 0x80) {
                state[half] |= HALF_NON_ASCII;
                continue;
            }
            if (bc_is((unsigned char)b, QSH_BC_UNRESERVED)) {
                *o++ = (unsigned char)b;
                continue;
            }
        } else if (b == '+') {
            b = ' ';
        }
        o[0] = '%';
        o[1] = (unsigned char)hex[b >> 4];
        o[2] = (unsigned char)hex[b & 15];
        o += 3;
    }
    pc->state[0] = state[0];
    pc->state[1] = state[1];
    pc->name_raw = cur_make(start, (size_t)((eq ? eq : p) - start));
    pc->value_raw = eq ? cur_make(eq + 1, (size_t)(p - eq - 1)) : cur_make(p, 0);
    pc->name_len = (size_t)((eq ? name_end : o) - out);
    pc->value_len = (size_t)(o - out) - pc->name_len;
    pc->empty = p == start;
    *q = p < end ? p + 1 : p;
    return (size_t)(o - out);
}

/* One half whose escapes stand for non-ASCII bytes: decoded (its UTF-8 checked) into scratch;
 * a name is then encoded again, since names are kept encoded. */
static qsh_status slow_half(qsh_ctx *ctx, qsh_cur raw, int is_name, const unsigned char **out,
                            size_t *out_len) {
    qsh_status st = decode_component(ctx, raw, out, out_len);
    if (st != QSH_OK || !is_name) {
        return st;
    }
    qsh_wbuf enc = {ctx_take(ctx, 3 * *out_len), 3 * *out_len, 0, 0};
    if (enc.p == NULL) {
        return QSH_E_NO_MEMORY;
    }
    pct_encode(&enc, *out, *out_len);
    ctx->scratch_used -= 3 * *out_len - enc.len; /* give back what encoding left */
    *out = enc.p;
    *out_len = enc.len;
    return QSH_OK;
}

/* A half that stands for ASCII, transcoded on its own into scratch. */
static void fast_half(qsh_ctx *ctx, qsh_cur raw, const unsigned char **out, size_t *out_len) {
    unsigned char *dst = ctx->scratch + ctx->scratch_used;
    const unsigned char *q = raw.p;
    piece one;
    *out_len = transcode(&q, raw.end, 0, dst, &one);
    *out = dst;
    ctx->scratch_used += *out_len;
}

qsh_status params_collect(qsh_ctx *ctx, qsh_cur data) {
    /* Output never outgrows 3 bytes per byte of data, nor, with the slow path's decoded copy
     * and encoded name, 4; the caller reserved params_scratch_bound(). */
    if (ctx->scratch_cap - ctx->scratch_used < params_scratch_bound(cur_len(data))) {
        return QSH_E_NO_MEMORY;
    }
    const unsigned char *q = data.p;
    while (q < data.end) {
        piece pc;
        unsigned char *out = ctx->scratch + ctx->scratch_used;
        size_t n = transcode(&q, data.end, 1, out, &pc);
        if (pc.empty) {
            continue;
        }
        /* Problems are reported from the left: the name's before the value's. */
        if ((pc.state[0] | pc.state[1]) & HALF_MALFORMED &&
            ((pc.state[0] & HALF_MALFORMED) || !(pc.state[0] & HALF_NON_ASCII))) {
            return QSH_E_PERCENT_MALFORMED;
        }
        const unsigned char *name = out, *value = out + pc.name_len;
        size_t name_len = pc.name_len, value_len = pc.value_len;
        int value_encoded = 1;
        if ((pc.state[0] | pc.state[1]) == 0) {
            ctx->scratch_used += n; /* the common case: both halves stand for ASCII */
        } else {                    /* redo each half on its own; the output above is dropped */
            qsh_status st = QSH_OK;
            if (pc.state[0] & HALF_NON_ASCII) {
                st = slow_half(ctx, pc.name_raw, 1, &name, &name_len);
            } else {
                fast_half(ctx, pc.name_raw, &name, &name_len);
            }
            if (st == QSH_OK && (pc.state[1] & HALF_MALFORMED)) {
                st = QSH_E_PERCENT_MALFORMED;
            }
            if (st == QSH_OK && (pc.state[1] & HALF_NON_ASCII)) {
                st = slow_half(ctx, pc.value_raw, 0, &value, &value_len);
                value_encoded = 0;
            } else if (st == QSH_OK) {
                fast_half(ctx, pc.value_raw, &value, &value_len);
            }
            if (st != QSH_OK) {
                return st;
            }
        }
        /* Encoding is one-to-one and leaves "jwt" as it is: the encoded name tells. */
        if (name_len == 0 || (name_len == 3 && memcmp(name, "jwt", 3) == 0)) {
            continue; /* Tomcat ignores empty names; the token never signs itself */
        }
        if (ctx->params_len == ctx->params_cap) {
            return QSH_E_NO_MEMORY; /* cannot happen: the count was reserved from the length */
        }
        qsh_param *p = &ctx->params[ctx->params_len++];
        p->key = params_name_key(name, name_len);
        p->name = name;
        p->name_len = name_len;
        p->value = value;
        p->value_len = value_len;
        p->value_plain = value_encoded;
    }
    return QSH_OK;
}

void params_write(qsh_ctx *ctx, qsh_wbuf *w) {
    size_t n = ctx->params_len;
    params_sort(ctx->params, ctx->params_tmp, ctx->sortrecs, n);
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
        if (p->value_plain) {
            wbuf_mem(w, p->value, p->value_len);
        } else {
            pct_encode(w, p->value, p->value_len);
        }
    }
}
