#include "mask16.h"

#include "ascii.h"

unsigned mask16_eq_table(const unsigned char *p, unsigned char c) {
    unsigned m = 0;
    for (unsigned i = 0; i < 16; i++) {
        m |= (unsigned)(p[i] == c) << i;
    }
    return m;
}

unsigned mask16_special_table(const unsigned char *p) {
    unsigned m = 0;
    for (unsigned i = 0; i < 16; i++) {
        m |= (unsigned)!bc_is(p[i], QSH_BC_UNRESERVED) << i;
    }
    return m;
}

unsigned mask16_nonwire_table(const unsigned char *p) {
    unsigned m = 0;
    for (unsigned i = 0; i < 16; i++) {
        m |= (unsigned)!bc_is(p[i], QSH_BC_WIRE) << i;
    }
    return m;
}
