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
 * come from a borrow next to a byte that has it, so callers re-check byte by byte. (The other
 * passes take sixteen bytes at a time: mask16.h.) */
#define QSH_ONES UINT64_C(0x0101010101010101)
#define QSH_HIGHS UINT64_C(0x8080808080808080)

static inline uint64_t swar_has_byte(uint64_t w, unsigned char c) {
    uint64_t x = w ^ (QSH_ONES * c);
    return (x - QSH_ONES) & ~x & QSH_HIGHS;
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
