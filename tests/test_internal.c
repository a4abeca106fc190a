/* Unit tests of the reference's internal pieces: UTF-8 validation, UTF-16 ordering, percent
 * decoding and encoding, and the parameter sort. */
#include <stdlib.h>

#include "check.h"
#include "ascii.h"
#include "ctx.h"
#include "pct.h"
#include "sort.h"
#include "mask16.h"
#include "special.h"
#include "utf8.h"

#define U(s) (const unsigned char *)(s), sizeof(s) - 1

static void test_utf8(void) {
    CHECK(utf8_valid(U("")));
    CHECK(utf8_valid(U("ascii")));
    CHECK(utf8_valid(U("\xC2\x80\xDF\xBF")));                 /* U+0080, U+07FF */
    CHECK(utf8_valid(U("\xE0\xA0\x80\xED\x9F\xBF")));         /* U+0800, U+D7FF */
    CHECK(utf8_valid(U("\xEE\x80\x80\xEF\xBF\xBF")));         /* U+E000, U+FFFF */
    CHECK(utf8_valid(U("\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"))); /* U+10000, U+10FFFF */
    CHECK(!utf8_valid(U("\x80")));
    CHECK(!utf8_valid(U("\xC0\xAF")));
    CHECK(!utf8_valid(U("\xC1\xBF")));
    CHECK(!utf8_valid(U("\xC3")));
    CHECK(!utf8_valid(U("\xC3\x41")));
    CHECK(!utf8_valid(U("\xE0\x80\xAF")));
    CHECK(!utf8_valid(U("\xED\xA0\x80")));
    CHECK(!utf8_valid(U("\xF0\x80\x80\xAF")));
    CHECK(!utf8_valid(U("\xF4\x90\x80\x80")));
    CHECK(!utf8_valid(U("\xF5\x80\x80\x80")));
    CHECK(!utf8_valid(U("\xFF")));
    CHECK(!utf8_valid(U("\xF0\x9F\x98")));
}

/* Where params_sort puts two values of one name, given in their canonical encoding as the
 * library keeps them: negative when a goes first, positive when b does, 0 when equal. */
static int cmp(const char *a, const char *b) {
    qsh_param p[2], tmp[2];
    qsh_sortrec rec[4];
    const char *v[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        p[i].name = (const unsigned char *)"n";
        p[i].name_len = 1;
        p[i].key = params_name_key(p[i].name, 1);
        p[i].value = (const unsigned char *)v[i];
        p[i].value_len = strlen(v[i]);
    }
    params_sort(p, tmp, rec, 2);
    if (strcmp(a, b) == 0) {
        return 0;
    }
    return p[0].value == (const unsigned char *)a ? -1 : 1;
}

/* Values sort by UTF-16 code units of their text, as Java's String.compareTo. */
static void test_utf16_order(void) {
    CHECK(cmp("", "") == 0);
    CHECK(cmp("a", "b") < 0);
    CHECK(cmp("b", "a") > 0);
    CHECK(cmp("a", "ab") < 0);
    CHECK(cmp("ab", "a") > 0);
    CHECK(cmp("B", "a") < 0);
    CHECK(cmp("%20", "A") < 0);                  /* by the bytes the escapes stand for */
    CHECK(cmp("A", "%5B") < 0);                  /* 'A' < '[', though "%5B" < "A" */
    CHECK(cmp("z", "%C3%A9") < 0);               /* U+007A < U+00E9 */
    CHECK(cmp("%F0%9F%98%80", "%EF%BD%9E") < 0); /* U+1F600 < U+FF5E in UTF-16 */
    CHECK(cmp("%F0%90%80%80", "%EE%80%80") < 0); /* U+10000 < U+E000 in UTF-16 */
    CHECK(cmp("%ED%9F%BF", "%F0%90%80%80") < 0); /* U+D7FF < U+10000 either way */
    CHECK(cmp("%F0%9F%98%80", "%F0%9F%98%81") < 0);
    CHECK(cmp("a%F0%9F%98%80", "a%EF%BD%9E") < 0);
    CHECK(cmp("%EF%BF%BF", "%EF%BF%BF") == 0);
}

/* UTF-16 code units of UTF-8 text, for an order written here apart from the library's. */
static size_t to_utf16(const unsigned char *s, size_t n, unsigned *out) {
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        unsigned b = s[i], cp, extra = b < 0x80 ? 0 : b < 0xE0 ? 1 : b < 0xF0 ? 2 : 3;
        cp = extra == 0 ? b : b & (0x3Fu >> extra);
        for (unsigned j = 1; j <= extra; j++) {
            cp = cp << 6 | (s[i + j] & 0x3Fu);
        }
        i += extra + 1;
        if (cp >= 0x10000) {
            out[k++] = 0xD800 + ((cp - 0x10000) >> 10);
            out[k++] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
        } else {
            out[k++] = cp;
        }
    }
    return k;
}

static int utf16_cmp(const unsigned char *a, size_t an, const unsigned char *b, size_t bn) {
    unsigned ua[64], ub[64];
    size_t na = to_utf16(a, an, ua), nb = to_utf16(b, bn, ub);
    for (size_t i = 0; i < na && i < nb; i++) {
        if (ua[i] != ub[i]) {
            return ua[i] < ub[i] ? -1 : 1;
        }
    }
    return (na > nb) - (na < nb);
}

static void test_pct(void) {
    unsigned char out[32];
    size_t n = 0;
    CHECK(pct_decode(cur_make("a+b%2b%2B%41", 12), 1, out, &n) == QSH_OK);
    CHECK(n == 6 && memcmp(out, "a b++A", 6) == 0);
    CHECK(pct_decode(cur_make("a+b", 3), 0, out, &n) == QSH_OK && n == 3 && out[1] == '+');
    CHECK(pct_decode(cur_make("%", 1), 1, out, &n) == QSH_E_PERCENT_MALFORMED);
    CHECK(pct_decode(cur_make("%4", 2), 1, out, &n) == QSH_E_PERCENT_MALFORMED);
    CHECK(pct_decode(cur_make("%4g", 3), 1, out, &n) == QSH_E_PERCENT_MALFORMED);
    /* "%41" cut after two bytes by its length: malformed, the third byte is never read */
    CHECK(pct_decode(cur_make("%41", 2), 1, out, &n) == QSH_E_PERCENT_MALFORMED);
    CHECK(pct_check(cur_make("%41%7e", 6)) == QSH_OK);
    /* An absent part of the input (NULL, 0) is an empty cursor, without NULL + 0 (UBSan
     * under clang). */
    CHECK(cur_len(cur_input(NULL, 0)) == 0 && cur_input(NULL, 0).p != NULL);
    CHECK(pct_check(cur_input(NULL, 0)) == QSH_OK);
    CHECK(pct_check(cur_make("%41%7", 5)) == QSH_E_PERCENT_MALFORMED);
}

/* Byte order of the names, written here without the sort keys the library compares first. */
static int name_order(const qsh_param *a, const qsh_param *b) {
    size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
    int c = memcmp(a->name, b->name, n);
    return c != 0 ? c : (a->name_len > b->name_len) - (a->name_len < b->name_len);
}

/* Values, kept encoded by the library, compared here decoded, with utf16_cmp above. */
static int param_le(const qsh_param *a, const qsh_param *b) {
    int c = name_order(a, b);
    if (c != 0) {
        return c < 0;
    }
    unsigned char da[64], db[64];
    size_t na = 0, nb = 0;
    CHECK(pct_decode(cur_make(a->value, a->value_len), 0, da, &na) == QSH_OK);
    CHECK(pct_decode(cur_make(b->value, b->value_len), 0, db, &nb) == QSH_OK);
    return utf16_cmp(da, na, db, nb) <= 0;
}

/* A hash of a parameter's content; summed, it is the same for any order of the same elements. */
static size_t content_hash(const qsh_param *p) {
    size_t h = 5381;
    for (size_t i = 0; i < p->name_len; i++) {
        h = h * 33 + p->name[i];
    }
    h = h * 33 + 0xFF;
    for (size_t i = 0; i < p->value_len; i++) {
        h = h * 33 + p->value[i];
    }
    return h;
}

/* A parameter of the given name and (encoded) value, with its key, as params_collect makes it. */
static void set_param(qsh_param *p, const unsigned char *name, size_t name_len, const char *value) {
    p->name = name;
    p->name_len = name_len;
    p->value = (const unsigned char *)value;
    p->value_len = strlen(value);
    p->key = params_name_key(name, name_len);
}

/* Sorts a[0..n) and checks that it is in order and a permutation of what it was. */
static void check_sort(qsh_param *a, qsh_param *tmp, qsh_sortrec *rec, size_t n) {
    size_t sum_before = 0, sum_after = 0;
    for (size_t i = 0; i < n; i++) {
        sum_before += content_hash(&a[i]);
    }
    params_sort(a, tmp, rec, n);
    int ordered = 1;
    for (size_t i = 0; i < n; i++) {
        sum_after += content_hash(&a[i]);
        if (i > 0 && !param_le(&a[i - 1], &a[i])) {
            ordered = 0;
        }
    }
    CHECK(ordered);
    CHECK(sum_before == sum_after);
}

/* The sort leaves every size from 0 to 300 of pseudo-random parameters in order and keeps
 * every element (a permutation: the multiset of ids is unchanged): insertion, merge and radix
 * sizes alike. */
static void test_sort(void) {
    static const char *names[] = {"a",
                                  "b",
                                  "ab",
                                  "a%5B",
                                  "A",
                                  "z",
                                  "name_1234",
                                  "name_12345",
                                  "name_1235",
                                  "name_1234a",
                                  "abcdefgh",
                                  "abcdefghi",
                                  "abcdefghijklmnopq",
                                  "abcdefghijklmnopr",
                                  "abcdefghijklmnop"};
    /* encoded, as the library keeps them: U+FF5E, U+1F600 (UTF-16 order puts it first),
     * U+E000, U+00E9 */
    static const char *values[] = {"",  "x",         "%EF%BD%9E", "%F0%9F%98%80", "10",
                                   "9", "%EE%80%80", "%C3%A9",    "%20",          "%F0%9F%98%81"};
    qsh_param a[300], tmp[300];
    qsh_sortrec rec[600];
    unsigned seed = 12345;
    for (size_t n = 0; n <= 300; n += (n < 20 ? 1 : 37)) {
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            const char *nm = names[(seed >> 16) % 15];
            const char *vl = values[(seed >> 8) % 10];
            set_param(&a[i], (const unsigned char *)nm, strlen(nm), vl);
        }
        check_sort(a, tmp, rec, n);
    }
}

/* Every entry of the byte class tables agrees with the definitions they speed up. */
static void test_byte_tables(void) {
    int bad = 0;
    for (int i = 0; i < 256; i++) {
        unsigned char b = (unsigned char)i;
        int hex = (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
        bad += bc_is(b, QSH_BC_WIRE) != (b >= 0x21 && b <= 0x7E);
        bad += bc_is(b, QSH_BC_UNRESERVED) != ascii_is_unreserved(b);
        bad += bc_is(b, QSH_BC_TCHAR) != ascii_is_tchar(b);
        bad += bc_is(b, QSH_BC_HEX) != hex;
        bad += (qsh_hex_digit[b] == 0xFF ? -1 : qsh_hex_digit[b]) != ascii_hex_value(b);
    }
    CHECK(bad == 0);
}

/* The word-at-a-time byte test, for every byte in every position: it finds the byte, and it
 * finds nothing in a word without it (the exact answer pct_decode relies on). */
static void test_swar(void) {
    for (unsigned b = 0; b < 256; b++) {
        for (size_t pos = 0; pos < 8; pos++) {
            unsigned char bytes[8];
            memset(bytes, b == 'a' ? 'b' : 'a', 8);
            bytes[pos] = (unsigned char)b;
            uint64_t w;
            memcpy(&w, bytes, 8);
            CHECK(swar_has_byte(w, (unsigned char)b) != 0);
            for (unsigned c = 0; c < 256; c++) {
                if (c != b && c != bytes[(pos + 1) % 8]) {
                    CHECK(swar_has_byte(w, (unsigned char)c) == 0);
                }
            }
        }
    }
}

/* The 16-byte masks, vector and table alike, against the byte tables: every byte value in
 * every place, among bytes of each kind; and the table masks of fewer bytes. */
static void test_mask16(void) {
    static const unsigned char fill[] = {'a', '%', '?', 0x7F, 0x80};
    for (unsigned b = 0; b < 256; b++) {
        for (size_t f = 0; f < sizeof fill; f++) {
            for (unsigned pos = 0; pos < 16; pos++) {
                unsigned char p[16];
                memset(p, fill[f], 16);
                p[pos] = (unsigned char)b;
                unsigned special = 0, nonwire = 0, eq = 0;
                for (unsigned i = 0; i < 16; i++) {
                    special |= (unsigned)!bc_is(p[i], QSH_BC_UNRESERVED) << i;
                    nonwire |= (unsigned)!bc_is(p[i], QSH_BC_WIRE) << i;
                    eq |= (unsigned)(p[i] == b) << i;
                }
                CHECK(mask16_special(p) == special && mask16_nonwire(p) == nonwire &&
                      mask16_eq(p, (unsigned char)b) == eq);
                for (size_t n = 0; n <= 16; n++) { /* the first n bytes only */
                    unsigned low = (1u << n) - 1;
                    CHECK(mask_special_n(p, n) == (special & low));
                    CHECK(mask_nonwire_n(p, n) == (nonwire & low));
                    CHECK(mask_eq_n(p, n, (unsigned char)b) == (eq & low));
                }
            }
        }
    }
}

/* Whether the 3 bytes at p are an escape that the encoding writes again as they are. */
static int escape_kept(const unsigned char *p) {
    static const char digits[] = "0123456789ABCDEF";
    int h = ascii_hex_value(p[1]), l = ascii_hex_value(p[2]);
    if (p[0] != '%' || h < 0 || l < 0 || ascii_is_unreserved((unsigned char)(h * 16 + l)) ||
        h * 16 + l >= 0x80) {
        return 0; /* written plain, or checked as UTF-8 */
    }
    return p[1] == digits[h] && p[2] == digits[l];
}

/* Whether bits (special.h) flags exactly the bytes of p[0..n) that are not unreserved and do
 * not begin an escape kept as it is, and every bit past n in its last word. */
static int bits_match(const unsigned char *p, size_t n, const uint64_t *bits) {
    for (size_t i = 0; i < 64 * special_words(n); i++) {
        int want =
            i >= n || (!bc_is(p[i], QSH_BC_UNRESERVED) && !(n - i >= 3 && escape_kept(p + i)));
        if ((int)(bits[i / 64] >> (i % 64) & 1) != want) {
            return 0;
        }
    }
    return 1;
}

/* The bitmap of bytes to transcode, against the byte table: every byte value in every place of
 * 16 and of 70 bytes, then random data of every length up to 300, each in a buffer of exactly
 * its length (so that the sanitizer build sees any read past it). */
static void test_special(void) {
    uint64_t bits[8];
    for (unsigned b = 0; b < 256; b++) {
        for (size_t n = 16; n <= 70; n += 54) {
            for (size_t pos = 0; pos < n; pos++) {
                unsigned char *p = malloc(n);
                CHECK(p != NULL);
                memset(p, pos % 2 ? 'a' : '%', n);
                p[pos] = (unsigned char)b;
                special_bits(p, n, bits);
                CHECK(bits_match(p, n, bits));
                free(p);
            }
        }
    }
    static const char pool[] = "aZ09-._~%%%&=+#/,;:!?()*@[]'\"\x80\xff"
                               "27ADFdf";
    unsigned seed = 12345;
    for (size_t n = 0; n <= 300; n++) {
        for (int round = 0; round < 4; round++) {
            unsigned char *p = malloc(n > 0 ? n : 1); /* exactly n: reads past it are seen */
            uint64_t *big = malloc(special_words(n) * sizeof *big);
            CHECK(p != NULL && big != NULL);
            for (size_t i = 0; i < n; i++) {
                seed = seed * 1103515245u + 12345u;
                p[i] = (unsigned char)pool[(seed >> 16) % (sizeof pool - 1)];
            }
            special_bits(p, n, big);
            CHECK(bits_match(p, n, big));
            free(big);
            free(p);
        }
    }
}

/* Many names built from a few bytes, so that they share prefixes of every length (the radix
 * sort's runs of equal keys, at 8 and 16 bytes and between) and repeat (values decide): sizes
 * on both sides of QSH_RADIX_MIN up to 3000, ordered and a permutation. */
static void test_sort_many(void) {
    enum { MAX = 3000 };
    static const char alphabet[] = "ab_9Z";
    static const char *values[] = {"", "x", "%EF%BD%9E", "%F0%9F%98%80", "10", "9", "%C3%A9"};
    static unsigned char names[MAX][24];
    qsh_param *a = malloc(MAX * sizeof *a), *tmp = malloc(MAX * sizeof *tmp);
    qsh_sortrec *rec = malloc(2 * MAX * sizeof *rec);
    CHECK(a != NULL && tmp != NULL && rec != NULL);
    unsigned seed = 777;
    static const size_t sizes[] = {QSH_RADIX_MIN - 1, QSH_RADIX_MIN, QSH_RADIX_MIN + 1, 500, MAX};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            size_t len = 1 + (seed >> 16) % 20;
            for (size_t j = 0; j < len; j++) {
                seed = seed * 1103515245u + 12345u;
                /* mostly 'a': long shared prefixes */
                names[i][j] = (unsigned char)((seed >> 16) % 4 ? 'a' : alphabet[(seed >> 20) % 5]);
            }
            const char *vl = values[(seed >> 8) % 7];
            set_param(&a[i], names[i], len, vl);
        }
        check_sort(a, tmp, rec, n);
    }
    free(a);
    free(tmp);
    free(rec);
}

int main(void) {
    test_byte_tables();
    test_mask16();
    test_special();
    test_swar();
    test_utf8();
    test_utf16_order();
    test_pct();
    test_sort();
    test_sort_many();
    return check_finish();
}
