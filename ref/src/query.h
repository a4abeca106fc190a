/* Query and form-body parameters: parsing into the context, then sorted canonical output. */
#ifndef QSH_QUERY_H
#define QSH_QUERY_H

#include "ctx.h"
#include "cursor.h"
#include "wbuf.h"

/* Bytes of scratch and number of parameters that parsing data of length n can need. */
size_t params_scratch_bound(size_t n);
size_t params_count_bound(size_t n);

/* Parses form-encoded data (a raw query, or a body) and appends its parameters to ctx. With
 * is_query, a '#' ends the data: the fragment after it is no part of the query. */
qsh_status params_collect(qsh_ctx *ctx, qsh_cur data, int is_query);

/* Sorts the collected parameters and writes the canonical query. */
void params_write(qsh_ctx *ctx, qsh_wbuf *w);

#endif
