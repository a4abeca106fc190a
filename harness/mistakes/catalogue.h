/* The catalogue of known mistakes of real implementations (the first list of docs/RULES.md,
 * "Known mistakes", and those this suite has found since), and a canonicalizer that makes any
 * set of them.
 *
 * This is the one catalogue of the project: `qshcheck diagnose` explains a 401 with it,
 * `qshcheck fuzz-diff` classifies disagreements with it, `qshcheck serve --mistakes` turns it
 * into broken implementations for the negative controls, and the compatibility matrix labels
 * each failure of a real library with it (through `qshcheck diagnose --json`). */
#ifndef QC_MISTAKES_H
#define QC_MISTAKES_H

#include <stddef.h>
#include <stdint.h>

#include "qsh/qsh.h"

/* X(name, in the first list of docs/RULES.md, what the library does, what the rule is) */
#define QC_MISTAKE_LIST(X)                                                                         \
    X(ContextPathNotStripped, 1,                                                                   \
      "the base URL's path (a context path such as Confluence's /wiki) is hashed, not stripped",   \
      "the path of the base URL (the context path, such as /wiki) must be stripped from the "      \
      "request path")                                                                              \
    X(BasePathStringPrefix, 1,                                                                     \
      "the base path is stripped as a string prefix, not on a segment boundary",                   \
      "the base path is stripped only when the path equals it or continues with '/'")              \
    X(ServerPathDecoded, 1, "the server profile hashes the percent-decoded path",                  \
      "a server hashes the path exactly as sent, escapes included")                                \
    X(ServerPathReencoded, 1, "the server profile decodes the path and encodes it again",          \
      "a server hashes the path exactly as sent, escapes included")                                \
    X(AllTrailingSlashesRemoved, 1, "every trailing '/' is removed, not exactly one",              \
      "exactly one trailing '/' is removed")                                                       \
    X(TrailingSlashKept, 1, "the trailing '/' is not removed",                                     \
      "one trailing '/' is removed; the URI ends with '/' only when it is '/'")                    \
    X(RawAmpersandInPath, 1, "a '&' in the path is left raw instead of %26",                       \
      "a '&' in the path is written %26")                                                          \
    X(QueryIgnored, 1, "the query is not hashed at all",                                           \
      "every query parameter but jwt is hashed")                                                   \
    X(QueryFromBodyOnly, 1, "parameters are read from the form body only, not from the query",     \
      "the query's parameters are hashed, with a form body's for POST and PUT")                    \
    X(PlusNotSpace, 1, "'+' in the query is taken as a literal plus and sent as %2B",              \
      "'+' in a query is a space, hashed as %20")                                                  \
    X(SpaceAsPlus, 1, "a space is encoded as '+' instead of %20", "a space is encoded %20")        \
    X(SubDelimsUnencoded, 1, "!'()* are left unencoded (JavaScript encodeURIComponent)",           \
      "only A-Z a-z 0-9 - . _ ~ stay unencoded: ! ' ( ) * are %21 %27 %28 %29 %2A")                \
    X(TildeEncoded, 1, "'~' is encoded as %7E", "'~' is unreserved and stays unencoded")           \
    X(UnderscoreEncoded, 1, "'_' is encoded as %5F", "'_' is unreserved and stays unencoded")      \
    X(LowercaseHex, 1, "percent-escapes are written with lower-case hex",                          \
      "escapes are written with upper-case hex (%2F, not %2f)")                                    \
    X(NamesNotEncoded, 1, "parameter names are written decoded, without percent-encoding",         \
      "names are percent-encoded like values")                                                     \
    X(NamesSortedDecoded, 1, "names are sorted by their decoded bytes, not their encoded form",    \
      "names are sorted by the bytes of their encoded form")                                       \
    X(NamesSortedUtf16, 1, "names are sorted by UTF-16 code units of the decoded name",            \
      "names are sorted by the bytes of their encoded form")                                       \
    X(ValuesNotSorted, 1, "repeated values are kept in the order they were sent",                  \
      "the values of a repeated parameter are sorted")                                             \
    X(ValuesSortedEncoded, 1, "repeated values are sorted by their encoded form",                  \
      "values are sorted by their decoded text (UTF-16 code units)")                               \
    X(RepeatedLastWins, 1, "only the last value of a repeated parameter is kept",                  \
      "every value of a repeated parameter is kept, joined with ','")                              \
    X(RepeatedFirstWins, 1, "only the first value of a repeated parameter is kept",                \
      "every value of a repeated parameter is kept, joined with ','")                              \
    X(RepeatedNotJoined, 1, "repeated parameters are written as a=1&a=2, not a=1,2",               \
      "the values of a repeated parameter are joined with ',' under one name (a=1,2)")             \
    X(SemicolonSeparator, 1, "';' is taken as a parameter separator like '&'",                     \
      "only '&' separates parameters; ';' is data (%3B)")                                          \
    X(ValueCutAtSecondEquals, 1, "a value is cut at its first '=' (a=b=c gives b)",                \
      "a parameter splits at its first '=' only; later '=' belong to the value")                   \
    X(JwtKept, 1, "the jwt parameter is hashed", "the jwt parameter is left out")                  \
    X(JwtCaseInsensitive, 1, "parameters named JWT, Jwt... are dropped as well as jwt",            \
      "only a parameter named exactly jwt is left out")                                            \
    X(ValuelessBare, 1, "a parameter without '=' is written as 'a' instead of 'a='",               \
      "a parameter without '=' has the value \"\" and is written 'a='")                            \
    X(ValuelessNull, 1, "a parameter without '=' is written as 'a=null'",                          \
      "a parameter without '=' has the value \"\" and is written 'a='")                            \
    X(NumericNamesReordered, 1,                                                                    \
      "integer-like names go first in numeric order (JavaScript object keys)",                     \
      "names are sorted by the bytes of their encoded form, numbers included")                     \
    X(NameCharsToUnderscore, 1, "'.' and ' ' in names become '_' (PHP's parse_str)",               \
      "names are kept as sent: '.' and ' ' are not replaced")                                      \
    X(DoubleEncoded, 1, "already percent-encoded names and values are encoded again",              \
      "names and values are decoded before they are encoded")                                      \
    X(MethodNotUppercased, 1, "the method is hashed in the case it was given",                     \
      "the method is upper-cased")                                                                 \
    X(BodyIgnoredWithQuery, 0,                                                                     \
      "the form body counts only when the query has no parameter, jwt included",                   \
      "a form body's parameters count together with the query's")                                  \
    X(BasePathCutByLength, 0,                                                                      \
      "as many characters as the base path has are cut from the path, unchecked",                  \
      "the base path is stripped only when the path starts with it on a segment boundary")         \
    X(ProductPathNotDecoded, 0, "the product profile hashes the path as sent instead of decoded",  \
      "a product-signed request's path is hashed percent-decoded")                                 \
    X(ParameterLimit1000, 0,                                                                       \
      "only the first 1000 parameters are kept (Node's querystring maxKeys)",                      \
      "every parameter is hashed, however many")                                                   \
    X(EmptyNameKept, 0, "a parameter with an empty name (=v) is hashed instead of dropped",        \
      "a parameter with an empty name is left out")                                                \
    X(LeadingSlashNotAdded, 0, "the URI is not given a leading '/', nor '/' when it is empty",     \
      "the URI starts with '/', and an empty path is '/'")                                         \
    X(FormBodyIgnored, 0, "the form body's parameters are not hashed",                             \
      "for a POST with an application/x-www-form-urlencoded body, the body's parameters are "      \
      "hashed with the query's")                                                                   \
    X(WikiRemovedEverywhere, 0,                                                                    \
      "every '/wiki' is removed from the path, whatever the base URL (a str_replace)",             \
      "only the base URL's path is stripped, once, from the front of the path")                    \
    X(ValuesTrimmedUnquoted, 0,                                                                    \
      "values lose surrounding blanks and one pair of double quotes (a header-value parser)",      \
      "a value is hashed exactly as decoded: blanks and quotes are data")

enum {
#define QC_MISTAKE_ENUM(name, spec, what, rule) QC_M_##name,
    QC_MISTAKE_LIST(QC_MISTAKE_ENUM)
#undef QC_MISTAKE_ENUM
        QC_MISTAKE_COUNT
};

#define QC_MK(name) ((uint64_t)1 << QC_M_##name)

typedef struct qc_mistake {
    const char *name;
    int in_spec; /* one of the first list of docs/RULES.md, "Known mistakes" */
    const char *what;
    const char *rule;
} qc_mistake;

extern const qc_mistake qc_mistakes[QC_MISTAKE_COUNT];

/* The index of the mistake called name[0..n), or -1. */
int qc_mistake_find(const char *name, size_t n);

/* Parses "A,B,..." into a mask. 0, or -1 with the unknown name in err. */
int qc_mistakes_parse(const char *list, uint64_t *mask, char *err, size_t errcap);

/* The canonical request a library making the mistakes in mask computes for req, in a malloc'd
 * NUL-terminated string (*out, *len). The rules' checks come first: a request the reference
 * rejects gives the reference's status, whatever the mistakes. With mask 0 the result is the
 * correct canonical request, computed by this simpler code rather than by the reference. */
qsh_status qc_mistaken_canonical(qsh_ctx *ctx, const qsh_request *req, uint64_t mask, char **out,
                                 size_t *len);

/* The same for a request the reference has accepted already (with the same profile): no
 * checks again. Fails only with QSH_E_NO_MEMORY. */
qsh_status qc_mistaken_canonical_checked(const qsh_request *req, uint64_t mask, char **out,
                                         size_t *len);

#endif
