/* base64url without padding: the strict decoder is public (qsh/token.h); the encoder is
 * internal. */
#ifndef QSH_B64URL_H
#define QSH_B64URL_H

#include <stddef.h>

#include "qsh/token.h"

/* Writes the encoding of in[0..n) (4 * n / 3 + 3 bytes at most) and returns its length. */
size_t b64url_encode(const unsigned char *in, size_t n, char *out);

#endif
