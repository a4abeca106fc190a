#include "sort.h"

#include <string.h>

#include "utf8.h"

/* Byte order. Names are short: a loop here beats a call to memcmp for each comparison. */
static int bytes_cmp(const unsigned char *a, size_t an, const unsigned char *b, size_t bn) {
    size_t n = an < bn ? an : bn;
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            return a[i] < b[i] ? -1 : 1;
        }
    }
    return an < bn ? -1 : (an > bn ? 1 : 0);
}

int params_name_cmp(const qsh_param *x, const qsh_param *y) {
    return bytes_cmp(x->name, x->name_len, y->name, y->name_len);
}

static int param_cmp(const qsh_param *x, const qsh_param *y) {
    int c = params_name_cmp(x, y);
    if (c != 0) {
        return c;
    }
    return utf16_order_cmp(x->value, x->value_len, y->value, y->value_len);
}

void params_sort(qsh_param *a, qsh_param *tmp, size_t n) {
    if (n <= 16) { /* insertion sort: fewer moves for the few parameters most requests have */
        for (size_t i = 1; i < n; i++) {
            qsh_param x = a[i];
            size_t j = i;
            while (j > 0 && param_cmp(&x, &a[j - 1]) < 0) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = x;
        }
        return;
    }
    qsh_param *src = a, *dst = tmp;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                dst[k++] = param_cmp(&src[j], &src[i]) < 0 ? src[j++] : src[i++];
            }
            while (i < mid) {
                dst[k++] = src[i++];
            }
            while (j < hi) {
                dst[k++] = src[j++];
            }
        }
        qsh_param *t = src;
        src = dst;
        dst = t;
        if (width > n / 2) {
            break;
        }
    }
    if (src != a) {
        memcpy(a, src, n * sizeof *a);
    }
}
