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

/* 1 when every byte of s is unreserved: then decoding and encoding both give s itself, and
 * the bytes are ASCII, so the common case skips both copies and the UTF-8 check. */
static int all_unreserved(qsh_cur s) {
    for (const unsigned char *q = s.p; q < s.end; q++) {
        if (!bc_is(*q, QSH_BC_UNRESERVED)) {
            return 0;
        }
    }
    return 1;
}

qsh_status params_collect(qsh_ctx *ctx, qsh_cur data) {
    int found;
    while (!cur_eof(data)) {
        qsh_cur piece = cur_split(&data, '&', &found);
        if (cur_eof(piece)) {
            continue; /* "&&", or a leading or trailing '&': no parameter */
        }
        qsh_cur raw_name = cur_split(&piece, '=', &found); /* the value keeps later '=' */
        const unsigned char *name, *value;
        size_t name_len, value_len;
        int plain_name = all_unreserved(raw_name), plain_value = all_unreserved(piece);
        qsh_status st = QSH_OK;
        if (plain_name) {
            name = raw_name.p;
            name_len = cur_len(raw_name);
        } else {
            st = decode_component(ctx, raw_name, &name, &name_len);
        }
        if (st == QSH_OK && plain_value) {
            value = piece.p;
            value_len = cur_len(piece);
        } else if (st == QSH_OK) {
            st = decode_component(ctx, piece, &value, &value_len);
        }
        if (st != QSH_OK) {
            return st;
        }
        if (name_len == 0 || (name_len == 3 && memcmp(name, "jwt", 3) == 0)) {
            continue; /* Tomcat ignores empty names; the token never signs itself */
        }
        if (ctx->params_len == ctx->params_cap) {
            return QSH_E_NO_MEMORY; /* cannot happen: the count was reserved from the length */
        }
        qsh_param *p = &ctx->params[ctx->params_len];
        if (plain_name) {
            p->name = name; /* its encoded form is itself */
            p->name_len = name_len;
        } else {
            qsh_wbuf enc = {ctx_take(ctx, 3 * name_len), 3 * name_len, 0, 0};
            if (enc.p == NULL) {
                return QSH_E_NO_MEMORY;
            }
            pct_encode(&enc, name, name_len);
            p->name = enc.p;
            p->name_len = enc.len;
            ctx->scratch_used -= 3 * name_len - enc.len; /* give back what encoding left */
        }
        ctx->params_len++;
        p->value = value;
        p->value_len = value_len;
        p->value_plain = plain_value;
    }
    return QSH_OK;
}

void params_write(qsh_ctx *ctx, qsh_wbuf *w) {
    size_t n = ctx->params_len;
    params_sort(ctx->params, ctx->params_tmp, n);
    for (size_t i = 0; i < n; i++) {
        const qsh_param *p = &ctx->params[i];
        const qsh_param *prev = i > 0 ? &ctx->params[i - 1] : NULL;
        if (prev != NULL && prev->name_len == p->name_len &&
            memcmp(prev->name, p->name, p->name_len) == 0) {
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
