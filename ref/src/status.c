/* The one status table: every qsh_status with its name and message. A test checks that every
 * value listed in qsh_status_all has both, and that names are unique. */
#include "qsh/status.h"

#include <string.h>

typedef struct status_entry {
    qsh_status status;
    const char *name;
    const char *message;
} status_entry;

#define ENTRY(s, msg)                                                                              \
    { s, #s, msg }

static const status_entry status_table[] = {
    ENTRY(QSH_OK, "success"),
    ENTRY(QSH_E_NULL_ARG, "a required pointer argument is NULL"),
    ENTRY(QSH_E_BUFFER_TOO_SMALL, "the output buffer is too small for the result"),
    ENTRY(QSH_E_NO_MEMORY, "out of memory while growing scratch space"),
    ENTRY(QSH_E_PROFILE_INVALID, "the profile is neither server nor product"),
    ENTRY(QSH_E_CRYPTO, "libcrypto failed to compute SHA-256"),
    ENTRY(QSH_E_METHOD_EMPTY, "the method is empty"),
    ENTRY(QSH_E_METHOD_INVALID, "the method has a byte that is not an HTTP token character"),
    ENTRY(QSH_E_METHOD_TOO_LONG, "the method is longer than QSH_MAX_METHOD_LEN"),
    ENTRY(QSH_E_TARGET_EMPTY, "the request target is empty"),
    ENTRY(QSH_E_TARGET_TOO_LONG, "the request target is longer than QSH_MAX_TARGET_LEN"),
    ENTRY(QSH_E_TARGET_BYTE,
          "the request target has a space, control or non-ASCII byte; percent-encode it"),
    ENTRY(QSH_E_PERCENT_MALFORMED, "a '%' is not followed by two hex digits"),
    ENTRY(QSH_E_UTF8_INVALID, "percent-decoded bytes are not well-formed UTF-8"),
    ENTRY(QSH_E_URL_INVALID,
          "the absolute URL has an empty host, userinfo, or a port that is not 0..65535"),
    ENTRY(QSH_E_URL_SCHEME, "the absolute URL's scheme is not http or https"),
    ENTRY(QSH_E_ORIGIN_MISMATCH, "the absolute URL's origin is not the base URL's origin"),
    ENTRY(QSH_E_BASE_URL_INVALID,
          "the base URL is not an absolute http(s) URL without query and fragment"),
    ENTRY(QSH_E_BASE_URL_TOO_LONG, "the base URL is longer than QSH_MAX_BASE_URL_LEN"),
    ENTRY(QSH_E_BODY_TOO_LONG, "the form body is longer than QSH_MAX_BODY_LEN"),
    ENTRY(QSH_E_BODY_BYTE, "the form body has a space, control or non-ASCII byte"),
    ENTRY(QSH_E_KIND_INVALID, "the endpoint kind, clock or leeway is out of range, or an "
                              "install lacks its audience or clientKey"),
    ENTRY(QSH_E_CARRIAGE_MISSING, "no Authorization: JWT header and no jwt query parameter"),
    ENTRY(QSH_E_CARRIAGE_AMBIGUOUS,
          "the token comes both in the header and the query, or the jwt parameter repeats"),
    ENTRY(QSH_E_CARRIAGE_SCHEME, "the Authorization header is not exactly 'JWT <token>'"),
    ENTRY(QSH_E_TOKEN_TOO_LARGE, "the token is longer than QSH_MAX_TOKEN_LEN"),
    ENTRY(QSH_E_SEGMENTS, "the token does not have exactly three '.'-separated segments"),
    ENTRY(QSH_E_B64_INVALID,
          "a segment is not unpadded base64url with no stray characters and zero unused bits"),
    ENTRY(QSH_E_JSON_INVALID, "the header or the claims are not valid UTF-8 JSON"),
    ENTRY(QSH_E_JSON_DUP_MEMBER, "a JSON object has the same member name twice"),
    ENTRY(QSH_E_JSON_TOO_DEEP, "the JSON nests deeper than QSH_MAX_JSON_DEPTH"),
    ENTRY(QSH_E_JSON_NOT_OBJECT, "the header or the claims are not a JSON object"),
    ENTRY(QSH_E_ALG_NOT_ALLOWED, "alg is missing or not the algorithm this endpoint allows"),
    ENTRY(QSH_E_CRIT_UNSUPPORTED, "the header lists critical extensions, none of which is "
                                  "understood"),
    ENTRY(QSH_E_KID_INVALID, "kid is missing or not 1 to 128 characters of A-Z a-z 0-9 . _ -"),
    ENTRY(QSH_E_ISS_MISSING, "iss is missing or not a string"),
    ENTRY(QSH_E_ISS_UNKNOWN, "no shared secret is known for this iss"),
    ENTRY(QSH_E_KEY_UNKNOWN, "no public key is known for this kid"),
    ENTRY(QSH_E_KEY_INVALID, "the key is not usable for this algorithm"),
    ENTRY(QSH_E_SIG_INVALID, "the signature does not verify"),
    ENTRY(QSH_E_EXP_MISSING, "exp is missing"),
    ENTRY(QSH_E_EXP_TYPE, "exp is not a non-negative integer NumericDate"),
    ENTRY(QSH_E_EXP_EXPIRED, "the token has expired (now >= exp + leeway)"),
    ENTRY(QSH_E_IAT_MISSING, "iat is missing"),
    ENTRY(QSH_E_IAT_TYPE, "iat is not a non-negative integer NumericDate"),
    ENTRY(QSH_E_IAT_IN_FUTURE, "iat is in the future (iat > now + leeway)"),
    ENTRY(QSH_E_NBF_TYPE, "nbf is not a non-negative integer NumericDate"),
    ENTRY(QSH_E_NBF_NOT_YET, "the token is not valid yet (nbf > now + leeway)"),
    ENTRY(QSH_E_EXP_BEFORE_IAT, "exp is not after iat"),
    ENTRY(QSH_E_AUD_MISSING, "aud is required here and missing"),
    ENTRY(QSH_E_AUD_MISMATCH, "aud does not name the expected audience"),
    ENTRY(QSH_E_ISS_MISMATCH, "iss is not the clientKey of the install body"),
    ENTRY(QSH_E_QSH_MISSING, "qsh is missing"),
    ENTRY(QSH_E_QSH_TYPE, "qsh is not 64 lowercase hex digits"),
    ENTRY(QSH_E_QSH_MISMATCH, "qsh is not the hash of this request"),
    ENTRY(QSH_E_QSH_CONTEXT_NOT_ALLOWED,
          "context-qsh on an endpoint that does not take context tokens"),
    ENTRY(QSH_E_REQUEST_INVALID, "the request cannot be canonicalized to check qsh"),
};

#define STATUS_COUNT (sizeof status_table / sizeof status_table[0])

const qsh_status qsh_status_all[] = {
    QSH_OK,
    QSH_E_NULL_ARG,
    QSH_E_BUFFER_TOO_SMALL,
    QSH_E_NO_MEMORY,
    QSH_E_PROFILE_INVALID,
    QSH_E_CRYPTO,
    QSH_E_METHOD_EMPTY,
    QSH_E_METHOD_INVALID,
    QSH_E_METHOD_TOO_LONG,
    QSH_E_TARGET_EMPTY,
    QSH_E_TARGET_TOO_LONG,
    QSH_E_TARGET_BYTE,
    QSH_E_PERCENT_MALFORMED,
    QSH_E_UTF8_INVALID,
    QSH_E_URL_INVALID,
    QSH_E_URL_SCHEME,
    QSH_E_ORIGIN_MISMATCH,
    QSH_E_BASE_URL_INVALID,
    QSH_E_BASE_URL_TOO_LONG,
    QSH_E_BODY_TOO_LONG,
    QSH_E_BODY_BYTE,
    QSH_E_KIND_INVALID,
    QSH_E_CARRIAGE_MISSING,
    QSH_E_CARRIAGE_AMBIGUOUS,
    QSH_E_CARRIAGE_SCHEME,
    QSH_E_TOKEN_TOO_LARGE,
    QSH_E_SEGMENTS,
    QSH_E_B64_INVALID,
    QSH_E_JSON_INVALID,
    QSH_E_JSON_DUP_MEMBER,
    QSH_E_JSON_TOO_DEEP,
    QSH_E_JSON_NOT_OBJECT,
    QSH_E_ALG_NOT_ALLOWED,
    QSH_E_CRIT_UNSUPPORTED,
    QSH_E_KID_INVALID,
    QSH_E_ISS_MISSING,
    QSH_E_ISS_UNKNOWN,
    QSH_E_KEY_UNKNOWN,
    QSH_E_KEY_INVALID,
    QSH_E_SIG_INVALID,
    QSH_E_EXP_MISSING,
    QSH_E_EXP_TYPE,
    QSH_E_EXP_EXPIRED,
    QSH_E_IAT_MISSING,
    QSH_E_IAT_TYPE,
    QSH_E_IAT_IN_FUTURE,
    QSH_E_NBF_TYPE,
    QSH_E_NBF_NOT_YET,
    QSH_E_EXP_BEFORE_IAT,
    QSH_E_AUD_MISSING,
    QSH_E_AUD_MISMATCH,
    QSH_E_ISS_MISMATCH,
    QSH_E_QSH_MISSING,
    QSH_E_QSH_TYPE,
    QSH_E_QSH_MISMATCH,
    QSH_E_QSH_CONTEXT_NOT_ALLOWED,
    QSH_E_REQUEST_INVALID,
};
const size_t qsh_status_count = sizeof qsh_status_all / sizeof qsh_status_all[0];

static const status_entry *find_entry(qsh_status status) {
    for (size_t i = 0; i < STATUS_COUNT; i++) {
        if (status_table[i].status == status) {
            return &status_table[i];
        }
    }
    return NULL;
}

const char *qsh_status_name(qsh_status status) {
    const status_entry *e = find_entry(status);
    return e ? e->name : "QSH_E_UNKNOWN";
}

const char *qsh_status_message(qsh_status status) {
    const status_entry *e = find_entry(status);
    return e ? e->message : "unknown status";
}

const char *qsh_reason_code(qsh_status status) {
    const status_entry *e = find_entry(status);
    if (e == NULL) {
        return "UNKNOWN";
    }
    return status == QSH_OK ? "OK" : e->name + 6; /* every other name starts "QSH_E_" */
}

int qsh_status_from_name(const char *name, size_t len, qsh_status *out) {
    if (name == NULL || out == NULL) {
        return 0;
    }
    for (size_t i = 0; i < STATUS_COUNT; i++) {
        const char *n = status_table[i].name;
        if (strlen(n) == len && memcmp(n, name, len) == 0) {
            *out = status_table[i].status;
            return 1;
        }
    }
    return 0;
}
