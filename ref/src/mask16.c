#include "mask16.h"

#include "ascii.h"

unsigned mask_eq_n(const unsigned char *p, size_t n, unsigned char c) {
    unsigned m = 0;
    for (size_t i = 0; i < n; i++) {
        m |= (unsigned)(p[i] == c) << i;
    }
    return m;
}

unsigned mask_special_n(const unsigned char *p, size_t n) {
    unsigned m = 0;
    for (size_t i = 0; i < n; i++) {
        m |= (unsigned)!bc_is(p[i], QSH_BC_UNRESERVED) << i;
    }
    return m;
}

unsigned mask_nonwire_n(const unsigned char *p, size_t n) {
    unsigned m = 0;
    for (size_t i = 0; i < n; i++) {
        m |= (unsigned)!bc_is(p[i], QSH_BC_WIRE) << i;
    }
    return m;
}
