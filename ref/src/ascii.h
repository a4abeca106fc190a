/* Locale-free byte classes. <ctype.h> is banned on untrusted bytes: its answers depend on the
 * locale and it is undefined for negative char values. */
#ifndef QSH_ASCII_H
#define QSH_ASCII_H

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
