/* The C plugin interface of qshcheck.
 *
 * A plugin is a shared library exporting one function, qshcheck_plugin_v1, that returns a
 * table of function pointers. `qshcheck run --plugin lib.so` loads it in a child process
 * (`qshcheck plugin-host lib.so`) and talks to that child over the line protocol of
 * harness/protocol/PROTOCOL.md, so a plugin that crashes, hangs or corrupts memory fails the case
 * it was given and is restarted, without taking the run down.
 *
 * Versioning: abi_version must be QSHCHECK_PLUGIN_ABI and struct_size the size the plugin was
 * compiled with. Later versions only append members; the host reads only members that lie
 * within struct_size. Strings are pointer + length and need not be NUL-terminated. */
#ifndef QSHCHECK_PLUGIN_H
#define QSHCHECK_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QSHCHECK_PLUGIN_ABI 1u

/* A qsh: 64 lowercase hex digits and a NUL, as QSH_HEX_SIZE of the reference (this header
 * stands alone, for plugins built without it). */
#define QSHCHECK_HEX_SIZE 65

typedef struct qshcheck_str {
    const char *p;
    size_t n;
} qshcheck_str;

typedef struct qshcheck_request {
    qshcheck_str method;
    qshcheck_str target;   /* request target as sent, or an absolute URL */
    qshcheck_str base_url; /* empty for none */
    qshcheck_str profile;  /* "server" or "product" */
    qshcheck_str body;     /* only when has_body */
    qshcheck_str content_type;
    int has_body;
} qshcheck_request;

/* What a plugin function reports: QSHCHECK_OK with its output written, QSHCHECK_REJECTED with
 * a status name (or any short reason) in err, QSHCHECK_TOO_SMALL when out cannot hold the
 * result (the host retries with a larger buffer). */
enum { QSHCHECK_OK = 0, QSHCHECK_REJECTED = 1, QSHCHECK_TOO_SMALL = 2 };

/* A token to verify (the verify operation, on the token vectors). The token travels in
 * authorization ("JWT <token>") when has_authorization, else in the request target's jwt
 * parameter. lookup finds a key: rs256 ? the PEM public key of `name` (a kid) : the shared
 * secret of `name` (an iss); it returns 0 and sets *key, or -1. */
typedef struct qshcheck_verify_request {
    qshcheck_request request;
    qshcheck_str kind; /* module, webhook, context, install, app-to-product */
    long long now;
    long long leeway;
    qshcheck_str authorization;
    int has_authorization;
    qshcheck_str audience; /* expected aud, when has_audience */
    int has_audience;
    qshcheck_str client_key; /* install: the body's clientKey, when has_client_key */
    int has_client_key;
    int (*lookup)(void *ud, int rs256, qshcheck_str name, qshcheck_str *key);
    void *lookup_ud;
} qshcheck_verify_request;

typedef struct qshcheck_plugin_table_v1 {
    uint32_t abi_version; /* QSHCHECK_PLUGIN_ABI */
    uint32_t struct_size; /* sizeof(qshcheck_plugin_table_v1) as the plugin was compiled */
    const char *name;
    const char *version;
    /* Either may be NULL when the plugin does not offer that operation. */
    int (*canonical)(const qshcheck_request *req, char *out, size_t cap, size_t *len, char *err,
                     size_t errcap);
    int (*qsh)(const qshcheck_request *req, char hex[QSHCHECK_HEX_SIZE], char *err, size_t errcap);
    /* Appended in ABI 1 for tokens; present when struct_size covers it. QSHCHECK_OK for a
     * valid token, QSHCHECK_REJECTED with a reason in err. May be NULL. */
    int (*verify)(const qshcheck_verify_request *req, char *err, size_t errcap);
} qshcheck_plugin_table_v1;

/* The size of a table that ends before `verify`: such a plugin offers no verify. */
#define QSHCHECK_PLUGIN_V1_MIN_SIZE (offsetof(qshcheck_plugin_table_v1, verify))

/* The one exported symbol: returns the plugin's table (static storage). */
typedef const qshcheck_plugin_table_v1 *(*qshcheck_plugin_v1_fn)(void);
#define QSHCHECK_PLUGIN_SYMBOL "qshcheck_plugin_v1"
const qshcheck_plugin_table_v1 *qshcheck_plugin_v1(void);

#ifdef __cplusplus
}
#endif
#endif
