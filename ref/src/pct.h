/* Percent-escapes: checking and decoding. (Encoding happens as query pieces are transcoded,
 * in query.c; a path is never encoded.) */
#ifndef QSH_PCT_H
#define QSH_PCT_H

#include <stddef.h>

#include "cursor.h"
#include "qsh/status.h"

/* QSH_OK when every '%' in s starts "%XX" with two hex digits, else QSH_E_PERCENT_MALFORMED. */
qsh_status pct_check(qsh_cur s);

/* Decodes s into out (room for cur_len(s) bytes): %XX is a byte; with plus_is_space, '+' is a
 * space (application/x-www-form-urlencoded), otherwise '+' stays. *out_len gets the length. */
qsh_status pct_decode(qsh_cur s, int plus_is_space, unsigned char *out, size_t *out_len);

#endif
