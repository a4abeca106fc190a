/* The parts of a canonical request "METHOD&URI&QUERY". */
#ifndef QC_PARTS_H
#define QC_PARTS_H

#include <stddef.h>

/* Finds the parts of a canonical request: the method ends at the first "&/", the URI at the
 * next '&' (a canonical URI has no raw '&'). */
void qc_split_request(const char *req, size_t n, size_t *method_len, size_t *uri_off,
                      size_t *uri_len, size_t *query_off);

/* Where two canonical requests part: the part ("method", "uri", "query") and the offset of
 * the first differing byte. Returns 0, or -1 when they are equal. */
int qc_first_difference(const char *a, size_t an, const char *b, size_t bn, const char **part,
                        size_t *offset);

#endif
