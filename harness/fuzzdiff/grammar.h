/* The request grammar of `qshcheck fuzz-diff`: random requests that favour the parts libraries
 * get wrong (reserved and non-ASCII characters raw and escaped, repeats, empty names and
 * values, jwt variants, base paths, trailing slashes, form bodies), kept as structure so that
 * a disagreement can be shrunk piece by piece. */
#ifndef QC_FUZZ_GRAMMAR_H
#define QC_FUZZ_GRAMMAR_H

#include <stddef.h>
#include <stdint.h>

#include "corpus/vectors.h"

enum { FG_MAX_SEG = 6, FG_MAX_PIECES = 8, FG_PIECE = 40 };

typedef struct fg_req {
    char method[8];
    int base;     /* index of the base URL (0: none) */
    int absolute; /* the target is an absolute URL on the base URL's origin */
    int product;  /* the product profile */
    int nseg;
    char seg[FG_MAX_SEG][FG_PIECE]; /* path segments, joined with '/' */
    int trailing;                   /* '/' after the last segment */
    int question;                   /* a '?' even when there are no query pieces */
    int nq;
    char q[FG_MAX_PIECES][FG_PIECE]; /* query pieces, joined with '&' */
    int form;                        /* a form body, with Content-Type */
    int nb;
    char b[FG_MAX_PIECES][FG_PIECE];
    char frag[12];
} fg_req;

/* A request rendered as a case: the strings live in the struct. */
typedef struct fg_case {
    qc_case c;
    char method[8], profile[8];
    char target[1024], base_url[64], body[512], content_type[48];
} fg_case;

/* xorshift64*: the whole run follows from the seed. */
typedef struct fg_rng {
    uint64_t s;
} fg_rng;

void fg_rng_seed(fg_rng *r, uint64_t seed);

/* A random request. product_ok: the product profile may be chosen. */
void fg_generate(fg_rng *r, int product_ok, fg_req *out);

/* Renders q into fc (c's strings point into fc). */
void fg_render(const fg_req *q, fg_case *fc);

/* The one-step simplifications of q, biggest first, into out[0..cap). Returns how many. */
size_t fg_shrink_steps(const fg_req *q, fg_req *out, size_t cap);

#endif
