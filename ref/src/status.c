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
