#include "sort.h"

#include <stdint.h>
#include <string.h>

#include "ascii.h"

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

uint64_t params_name_key(const unsigned char *name, size_t n) {
    uint64_t k = 0;
    if (n >= 8) { /* one load, in big-endian order */
        memcpy(&k, name, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        return k;
#else
        return __builtin_bswap64(k);
#endif
    }
    for (size_t i = 0; i < n; i++) {
        k = k << 8 | name[i];
    }
    return n == 0 ? 0 : k << (8 * (8 - n)); /* zero padding on the right */
}

int params_name_cmp(const qsh_param *x, const qsh_param *y) {
    if (x->key != y->key) {
        return x->key < y->key ? -1 : 1;
    }
    if (x->name_len <= 8 || y->name_len <= 8) { /* the key holds the shorter name whole */
        return (x->name_len > y->name_len) - (x->name_len < y->name_len);
    }
    return bytes_cmp(x->name + 8, x->name_len - 8, y->name + 8, y->name_len - 8);
}

/* The next byte a value stands for: values are kept in their canonical encoding, where every
 * '%' starts a valid escape. */
static unsigned value_byte(const qsh_param *p, size_t *i) {
    unsigned b = p->value[*i];
    if (b == '%') {
        b = qsh_hex_digit[p->value[*i + 1]] * 16u + qsh_hex_digit[p->value[*i + 2]];
        *i += 3;
        return b;
    }
    *i += 1;
    return b;
}

/* Values by UTF-16 code units of their text (Java's String.compareTo), read from the UTF-8
 * bytes their escapes stand for. Up to the first differing byte the texts agree; UTF-8 byte
 * order is code point order, which is UTF-16 order except that characters above U+FFFF
 * (lead bytes F0..F4) come before U+E000..U+FFFF (lead bytes EE, EF) in UTF-16. Where both
 * differing bytes are such leads, EE and EF are moved above F4. */
static int value_cmp(const qsh_param *x, const qsh_param *y) {
    size_t i = 0, j = 0;
    while (i < x->value_len && j < y->value_len) {
        unsigned a = value_byte(x, &i), b = value_byte(y, &j);
        if (a != b) {
#ifndef QSHCHECK_MUTANT_SORT_BYTES /* a planted bug for the fuzz mutation check: byte order */
            if (a >= 0xEE && b >= 0xEE) {
                a += (a <= 0xEF) ? 7u : 0u;
                b += (b <= 0xEF) ? 7u : 0u;
            }
#endif
            return a < b ? -1 : 1;
        }
    }
    return i < x->value_len ? 1 : (j < y->value_len ? -1 : 0);
}

static int param_cmp(const qsh_param *x, const qsh_param *y) {
    int c = params_name_cmp(x, y);
    if (c != 0) {
        return c;
    }
    return value_cmp(x, y);
}

/* Whether record x goes before record y: by the keys, and only for equal keys by the
 * parameters. (Zero padding sorts as the bytes do: an encoded name holds no zero byte.) */
static int rec_before(const qsh_param *a, const qsh_sortrec *x, const qsh_sortrec *y) {
    if (x->key != y->key) {
        return x->key < y->key;
    }
    if (x->key2 != y->key2) { /* names that share 8 bytes, as field_1001 and field_1002 */
        return x->key2 < y->key2;
    }
    return param_cmp(&a[x->idx], &a[y->idx]) < 0;
}

void params_sort(qsh_param *a, qsh_param *tmp, qsh_sortrec *rec, size_t n) {
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
    /* Many parameters: a merge sort of 16-byte records (key, index) rather than of the
     * parameters, runs of 8 sorted by insertion first, and merges without a branch on the
     * comparison, which random data mispredicts half the time; then one gather. */
    qsh_sortrec *src = rec, *dst = rec + n;
    for (size_t i = 0; i < n; i++) {
        src[i].key = a[i].key;
        src[i].key2 = a[i].name_len > 8 ? params_name_key(a[i].name + 8, a[i].name_len - 8) : 0;
        src[i].idx = i;
    }
    const size_t run = 8;
    for (size_t lo = 0; lo < n; lo += run) {
        size_t hi = lo + run < n ? lo + run : n;
        for (size_t i = lo + 1; i < hi; i++) {
            qsh_sortrec x = src[i];
            size_t j = i;
            while (j > lo && rec_before(a, &x, &src[j - 1])) {
                src[j] = src[j - 1];
                j--;
            }
            src[j] = x;
        }
    }
    for (size_t width = run; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                const qsh_sortrec *pi = &src[i], *pj = &src[j];
                size_t take_j = (size_t)rec_before(a, pj, pi); /* ties: the left */
                /* the pick by arithmetic, as compilers turn `take_j ? x : y` on structures
                 * into a branch */
                uintptr_t mask = (uintptr_t)0 - (uintptr_t)take_j;
                const qsh_sortrec *pick =
                    (const qsh_sortrec *)((uintptr_t)pi ^ (((uintptr_t)pi ^ (uintptr_t)pj) & mask));
                dst[k++] = *pick;
                j += take_j;
                i += 1 - take_j;
            }
            while (i < mid) {
                dst[k++] = src[i++];
            }
            while (j < hi) {
                dst[k++] = src[j++];
            }
        }
        qsh_sortrec *t = src;
        src = dst;
        dst = t;
    }
    for (size_t k = 0; k < n; k++) {
        tmp[k] = a[src[k].idx];
    }
    memcpy(a, tmp, n * sizeof *a);
}
