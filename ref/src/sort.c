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

/* Sorts the n records at src by rec_before: runs of 8 by insertion, then merges without a
 * branch on the comparison, which random data mispredicts half the time. dst[0..n) is work
 * space; returns whichever of the two holds the result. */
static qsh_sortrec *merge_recs(const qsh_param *a, qsh_sortrec *src, qsh_sortrec *dst, size_t n) {
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
    return src;
}

/* The records' keys as one 128-bit number, a byte of it: digit 0 is the last byte of key2. */
static unsigned rec_digit(const qsh_sortrec *r, unsigned d) {
    uint64_t w = d < 8 ? r->key2 : r->key;
    return (unsigned)(w >> (8 * (d % 8))) & 0xFFu;
}

/* Sorts the n records at src by (key, key2), least significant byte first, each pass a count
 * and a stable scatter, and only over the bytes in which some keys differ: names share
 * prefixes ("customfield_", "name_"), and those passes would move nothing. dst[0..n) is work
 * space; returns whichever of the two holds the result. */
static qsh_sortrec *radix_recs(qsh_sortrec *src, qsh_sortrec *dst, size_t n) {
    uint64_t or1 = 0, and1 = ~(uint64_t)0, or2 = 0, and2 = ~(uint64_t)0;
    for (size_t i = 0; i < n; i++) {
        or1 |= src[i].key;
        and1 &= src[i].key;
        or2 |= src[i].key2;
        and2 &= src[i].key2;
    }
    uint64_t differ1 = or1 ^ and1, differ2 = or2 ^ and2;
    for (unsigned d = 0; d < 16; d++) {
        if ((((d < 8 ? differ2 : differ1) >> (8 * (d % 8))) & 0xFFu) == 0) {
            continue; /* every key has the same byte here */
        }
        size_t count[256] = {0};
        for (size_t i = 0; i < n; i++) {
            count[rec_digit(&src[i], d)]++;
        }
        size_t at = 0;
        for (unsigned b = 0; b < 256; b++) {
            size_t c = count[b];
            count[b] = at;
            at += c;
        }
        for (size_t i = 0; i < n; i++) {
            dst[count[rec_digit(&src[i], d)]++] = src[i];
        }
        qsh_sortrec *t = src;
        src = dst;
        dst = t;
    }
    return src;
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
    /* Many parameters: records (key, index) are sorted rather than the parameters, then
     * gathered once. */
    qsh_sortrec *src = rec, *dst = rec + n, *sorted;
    for (size_t i = 0; i < n; i++) {
        src[i].key = a[i].key;
        src[i].key2 = a[i].name_len > 8 ? params_name_key(a[i].name + 8, a[i].name_len - 8) : 0;
        src[i].idx = i;
    }
    if (n < QSH_RADIX_MIN) {
        sorted = merge_recs(a, src, dst, n);
    } else {
        /* A merge sort's passes grow with log n; a radix sort's passes do not. Then the runs
         * of equal keys (repeated names, names that share 16 bytes) by the parameters, with
         * the merge sort, so that no input makes this quadratic. */
        sorted = radix_recs(src, dst, n);
        qsh_sortrec *spare = sorted == src ? dst : src;
        for (size_t lo = 0, hi; lo < n; lo = hi) {
            for (hi = lo + 1;
                 hi < n && sorted[hi].key == sorted[lo].key && sorted[hi].key2 == sorted[lo].key2;
                 hi++) {
            }
            if (hi - lo > 1) {
                qsh_sortrec *r = merge_recs(a, sorted + lo, spare + lo, hi - lo);
                if (r != sorted + lo) {
                    memcpy(sorted + lo, r, (hi - lo) * sizeof *r);
                }
            }
        }
    }
    for (size_t k = 0; k < n; k++) {
        tmp[k] = a[sorted[k].idx];
    }
    memcpy(a, tmp, n * sizeof *a);
}
