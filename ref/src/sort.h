/* Ordering of parameters: by encoded name bytes, then by decoded value in UTF-16 order. */
#ifndef QSH_SORT_H
#define QSH_SORT_H

#include "ctx.h"

/* Sorts a[0..n) using tmp[0..n) and rec[0..2n): an insertion sort for a few, a bottom-up merge
 * sort for more, and from QSH_RADIX_MIN a radix sort of the name keys with the merge sort for
 * the runs of equal keys. O(n log n) in the worst case and no allocation (qsort may call
 * malloc, and its worst case depends on the libc). */
enum { QSH_RADIX_MIN = 64 };
void params_sort(qsh_param *a, qsh_param *tmp, qsh_sortrec *rec, size_t n);

/* The sort key of an encoded name (see qsh_param). */
uint64_t params_name_key(const unsigned char *name, size_t n);

/* 0 when both have the same name. */
int params_name_cmp(const qsh_param *x, const qsh_param *y);

#endif
