/* Reading a token without verifying it, for `token decode` and `diagnose --token`. */
#ifndef QC_TOKEN_DECODE_H
#define QC_TOKEN_DECODE_H

#include <jansson.h>
#include <stddef.h>

/* A token's three segments, as pasted: blanks around it and a leading "JWT " (the scheme of an
 * Authorization header, in any case) are dropped. */
typedef struct qc_token_parts {
    const char *seg[3]; /* header, claims, signature */
    size_t len[3];
    size_t total; /* the token's length without what was dropped */
} qc_token_parts;

/* Splits a pasted token. 0, or -1 when it does not have three segments. */
int qc_token_split(const char *token, qc_token_parts *out);

/* Decodes one segment of a token (header or claims) strictly, or, failing that, leniently
 * (padding, the standard alphabet), with a warning on stderr that counts in *warnings. A
 * segment that is not JSON gives a JSON string of its bytes, with a warning. NULL when even
 * the lenient decoding fails, or when the decoded bytes are not UTF-8 (said on stderr: no JSON
 * text can hold them). */
json_t *qc_token_segment(const char *seg, size_t n, const char *what, int *warnings);

#endif
