#include "pct.h"

#include <stdint.h>
#include <string.h>

#include "ascii.h"

qsh_status pct_check(qsh_cur s) {
    const unsigned char *q = s.p;
    while ((q = memchr(q, '%', (size_t)(s.end - q))) != NULL) {
        if (s.end - q < 3 || qsh_hex_digit[q[1]] == 0xFF || qsh_hex_digit[q[2]] == 0xFF) {
#ifdef QSHCHECK_MUTANT_STATUS_TOKEN /* a planted bug for the fuzz mutation check */
            return QSH_E_B64_INVALID;
#endif
            return QSH_E_PERCENT_MALFORMED;
        }
        q += 3;
    }
    return QSH_OK;
}

qsh_status pct_decode(qsh_cur s, int plus_is_space, unsigned char *out, size_t *out_len) {
    unsigned char *o = out;
    const unsigned char *q = s.p, *end = s.end;
    const unsigned char plus = plus_is_space ? '+' : '%'; /* '%' is handled first anyway */
    while (q < end) {
        if (end - q >= 8) { /* eight plain bytes at a time: no '%' and no '+' among them */
            uint64_t w;
            memcpy(&w, q, 8);
            if (!swar_has_byte(w, '%') && !swar_has_byte(w, plus)) {
                memcpy(o, q, 8);
                o += 8;
                q += 8;
                continue;
            }
        }
        unsigned char b = *q;
        if (b != '%' && b != plus) { /* the common case: a byte copied as it is */
            *o++ = b;
            q++;
            continue;
        }
        if (b == '+') {
            *o++ = ' ';
            q++;
            continue;
        }
        unsigned hi, lo;
        if (end - q < 3 || (hi = qsh_hex_digit[q[1]]) == 0xFF ||
            (lo = qsh_hex_digit[q[2]]) == 0xFF) {
            return QSH_E_PERCENT_MALFORMED;
        }
        *o++ = (unsigned char)(hi << 4 | lo);
        q += 3;
    }
    *out_len = (size_t)(o - out);
    return QSH_OK;
}
