#include "pct.h"

#include "ascii.h"

qsh_status pct_check(qsh_cur s) {
    for (const unsigned char *q = s.p; q < s.end; q++) {
        if (*q != '%') {
            continue;
        }
        if (s.end - q < 3 || ascii_hex_value(q[1]) < 0 || ascii_hex_value(q[2]) < 0) {
            return QSH_E_PERCENT_MALFORMED;
        }
        q += 2;
    }
    return QSH_OK;
}

qsh_status pct_decode(qsh_cur s, int plus_is_space, unsigned char *out, size_t *out_len) {
    size_t n = 0;
    for (const unsigned char *q = s.p; q < s.end; q++) {
        unsigned char b = *q;
        if (b == '%') {
            int hi, lo;
            if (s.end - q < 3 || (hi = ascii_hex_value(q[1])) < 0 ||
                (lo = ascii_hex_value(q[2])) < 0) {
                return QSH_E_PERCENT_MALFORMED;
            }
            b = (unsigned char)(hi * 16 + lo);
            q += 2;
        } else if (b == '+' && plus_is_space) {
            b = ' ';
        }
        out[n++] = b;
    }
    *out_len = n;
    return QSH_OK;
}

void pct_encode(qsh_wbuf *w, const unsigned char *in, size_t n) {
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char b = in[i];
        if (ascii_is_unreserved(b)) {
            wbuf_byte(w, b);
        } else {
            unsigned char esc[3] = {'%', (unsigned char)hex[b >> 4], (unsigned char)hex[b & 15]};
            wbuf_mem(w, esc, 3);
        }
    }
}
