/* Reading a token without verifying it, for `token decode` and `diagnose --token`. */
#ifndef QC_TOKEN_DECODE_H
#define QC_TOKEN_DECODE_H

#include <jansson.h>
#include <stddef.h>

/* Decodes one segment of a token (header or claims) strictly, or, failing that, leniently
 * (padding, the standard alphabet), with a warning on stderr that counts in *warnings. A
 * segment that is not JSON gives a JSON string of its bytes, with a warning. NULL when even
 * the lenient decoding fails. */
json_t *qc_token_segment(const char *seg, size_t n, const char *what, int *warnings);

#endif
