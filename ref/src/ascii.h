/* Locale-free byte classes. <ctype.h> is banned on untrusted bytes: its answers depend on the
 * locale and it is undefined for negative char values. */
#ifndef QSH_ASCII_H
#define QSH_ASCII_H

#include <stddef.h>
#include <stdint.h>

/* Bits of qsh_byte_class, and the value of each hex digit (0xFF for other bytes). */
enum { QSH_BC_WIRE = 1, QSH_BC_UNRESERVED = 2, QSH_BC_TCHAR = 4, QSH_BC_HEX = 8 };
extern const unsigned char qsh_byte_class[256];
extern const unsigned char qsh_hex_digit[256];

static inline int bc_is(unsigned char b, unsigned bits) {
    return (qsh_byte_class[b] & bits) != 0;
}

/* Word-at-a-time byte tests (SWAR) on 8 bytes loaded little- or big-endian alike: each returns
 * non-zero when some byte of w has the property. A zero result is exact; a non-zero one may
 * come from a borrow next to a byte that has it, so callers re-check byte by byte. */
#define QSH_ONES UINT64_C(0x0101010101010101)
#define QSH_HIGHS UINT64_C(0x8080808080808080)

static inline uint64_t swar_has_byte(uint64_t w, unsigned char c) {
    uint64_t x = w ^ (QSH_ONES * c);
    return (x - QSH_ONES) & ~x & QSH_HIGHS;
}

/* A byte outside 0x21..0x7E: above 0x7E (the high bit, or +1 reaching it) or below 0x21. */
static inline uint64_t swar_has_nonwire(uint64_t w) {
    return (w | (w + QSH_ONES) | ((w - QSH_ONES * 0x21) & ~w)) & QSH_HIGHS;
}

/* 1 when all eight bytes of w are unreserved (A-Z a-z 0-9 - . _ ~). Exact: bytes of 0x80 and
 * above fail at once, and below 0x80 no sum carries into the next byte. */
static inline int swar_all_unreserved(uint64_t w) {
    if (w & QSH_HIGHS) {
        return 0;
    }
#define QSH_IN_RANGE(x, lo, hi)                                                                    \
    (((x) + QSH_ONES * (0x80 - (lo))) & ~((x) + QSH_ONES * (0x7F - (hi))))
#define QSH_EQ(x, c) (~(((x) ^ (QSH_ONES * (c))) + QSH_ONES * 0x7F))
    uint64_t y = w | (QSH_ONES * 0x20); /* folds A-Z onto a-z, and nothing else onto them */
    uint64_t ok = QSH_IN_RANGE(y, 'a', 'z') | QSH_IN_RANGE(w, '0', '9') |
                  QSH_IN_RANGE(w, '-', '.') | QSH_EQ(w, '_') | QSH_EQ(w, '~');
#undef QSH_IN_RANGE
#undef QSH_EQ
    return (ok & QSH_HIGHS) == QSH_HIGHS;
}

/* The index (in memory order) of the first byte a swar_has_byte() result flags. The lowest
 * flagged byte is always a true match (a borrow only moves up), so this is exact. m != 0. */
static inline size_t swar_first(uint64_t m) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return (size_t)__builtin_clzll(m) / 8;
#else
    return (size_t)__builtin_ctzll(m) / 8;
#endif
}

static inline int ascii_is_alpha(unsigned char b) {
    return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
}

static inline int ascii_is_digit(unsigned char b) {
    return b >= '0' && b <= '9';
}

/* Value of a hex digit in either case, or -1. */
static inline int ascii_hex_value(unsigned char b) {
    if (b >= '0' && b <= '9') {
        return b - '0';
    }
    if (b >= 'A' && b <= 'F') {
        return b - 'A' + 10;
    }
    if (b >= 'a' && b <= 'f') {
        return b - 'a' + 10;
    }
    return -1;
}

static inline unsigned char ascii_upper(unsigned char b) {
    return (b >= 'a' && b <= 'z') ? (unsigned char)(b - 'a' + 'A') : b;
}

static inline unsigned char ascii_lower(unsigned char b) {
    return (b >= 'A' && b <= 'Z') ? (unsigned char)(b - 'A' + 'a') : b;
}

/* RFC 3986 unreserved: A-Z a-z 0-9 - . _ ~ */
static inline int ascii_is_unreserved(unsigned char b) {
    return ascii_is_alpha(b) || ascii_is_digit(b) || b == '-' || b == '.' || b == '_' || b == '~';
}

/* RFC 9110 tchar: the bytes of a method token. */
static inline int ascii_is_tchar(unsigned char b) {
    if (ascii_is_alpha(b) || ascii_is_digit(b)) {
        return 1;
    }
    switch (b) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return 1;
    default:
        return 0;
    }
}

/* A byte that can appear in a request line or a form body: printable ASCII without space. */
static inline int ascii_is_wire(unsigned char b) {
    return b >= 0x21 && b <= 0x7E;
}

/* Case-insensitive ASCII equality of a[0..n) and the NUL-terminated lower-case literal lit. */
static inline int ascii_ieq_lit(const unsigned char *a, size_t n, const char *lit) {
    size_t i = 0;
    for (; i < n; i++) {
        if (lit[i] == '\0' || ascii_lower(a[i]) != (unsigned char)lit[i]) {
            return 0;
        }
    }
    return lit[i] == '\0';
}

#endif
