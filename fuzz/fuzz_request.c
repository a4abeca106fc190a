/* Fuzz target: the whole request.
 *
 * Input framing: byte 0 holds flags (bit 0: product profile; bit 1: the second context is a
 * fresh one, made and freed for this input, instead of the long-lived one); the rest is split at
 * 0xFF bytes into up to five fields, in order: method, target, base URL, body, content type.
 * Missing fields are empty; a sixth and later fields are ignored. Bytes are passed as they are, so
 * controls, NUL and non-ASCII reach the reference's own checks.
 *
 * Properties: the status is one that canonicalization can give (the method, target, base URL
 * and body statuses; never a misuse, token or crypto status); the output fits the bound and is
 * NUL-terminated; the method is upper case; URI and query satisfy prop_uri and prop_query;
 * qsh_compute gives the SHA-256 (through libcrypto's EVP one-shot, not the reference's hashing
 * code) of the canonical request; a second context, with another history, gives the same
 * status and bytes into a buffer of exactly the output's size, and one byte less gives
 * QSH_E_BUFFER_TOO_SMALL; on failure the parts are zero; the status's name parses back to it
 * and it has a message. */
#include <openssl/evp.h>
#include <stdint.h>

#include "fuzz_input.h"
#include "fuzz_props.h"
#include "qsh/qsh.h"

static qsh_ctx *ctx, *ctx2;

/* The statuses a well-formed call of qsh_canonicalize may give with a buffer of the bound's
 * size: the request's own, from qsh/status.h. */
static int canonical_status(qsh_status st) {
    switch (st) {
    case QSH_OK:
    case QSH_E_METHOD_EMPTY:
    case QSH_E_METHOD_INVALID:
    case QSH_E_METHOD_TOO_LONG:
    case QSH_E_TARGET_EMPTY:
    case QSH_E_TARGET_TOO_LONG:
    case QSH_E_TARGET_BYTE:
    case QSH_E_PERCENT_MALFORMED:
    case QSH_E_UTF8_INVALID:
    case QSH_E_URL_INVALID:
    case QSH_E_URL_SCHEME:
    case QSH_E_ORIGIN_MISMATCH:
    case QSH_E_BASE_URL_INVALID:
    case QSH_E_BASE_URL_TOO_LONG:
    case QSH_E_BODY_TOO_LONG:
    case QSH_E_BODY_BYTE:
        return 1;
    default:
        return 0;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* Room for the bound of the largest input: 3 bytes per target byte twice, plus slack. */
    static char out[7 * 65536 + 64];
    if (size < 1 || size > 65536) {
        return 0;
    }
    if ((ctx == NULL && (ctx = qsh_ctx_new()) == NULL) ||
        (ctx2 == NULL && (ctx2 = qsh_ctx_new()) == NULL)) {
        abort();
    }
    qsh_request r = fuzz_request_of(data + 1, size - 1,
                                    (data[0] & 1) ? QSH_PROFILE_PRODUCT : QSH_PROFILE_SERVER);
    size_t bound = qsh_canonical_bound(&r);
    qsh_canonical parts, parts2;
    if (bound == 0) { /* only a length over its limit may give no bound */
        qsh_status st = qsh_canonicalize(ctx, &r, out, 1, &parts);
        prop(st == QSH_E_METHOD_TOO_LONG || st == QSH_E_TARGET_TOO_LONG ||
                 st == QSH_E_BODY_TOO_LONG,
             "a zero bound for a request within the limits");
        return 0;
    }
    prop(bound <= sizeof out, "a bound larger than documented");
    qsh_status st = qsh_canonicalize(ctx, &r, out, bound, &parts);
    if (!canonical_status(st)) {
        fprintf(stderr, "status %s\n", qsh_status_name(st));
    }
    prop(canonical_status(st), "a status canonicalization cannot give");
    qsh_status back;
    const char *name = qsh_status_name(st);
    prop(qsh_status_from_name(name, strlen(name), &back) == 1 && back == st &&
             strlen(qsh_status_message(st)) > 0,
         "status name or message missing");
    if (st != QSH_OK) {
        prop(parts.len == 0 && parts.uri_off == 0, "parts set on failure");
        prop(qsh_canonicalize(ctx2, &r, out, bound, &parts2) == st, "another context disagrees");
        return 0;
    }
    prop(parts.len < bound && out[parts.len] == '\0', "output not within bound");
    /* Exactly the output's size, on the heap so that AddressSanitizer sees a byte too many. */
    char *exact = malloc(parts.len + 1);
    qsh_ctx *other = (data[0] & 2) ? qsh_ctx_new() : ctx2;
    prop(exact != NULL && other != NULL, "out of memory");
    prop(qsh_canonicalize(other, &r, exact, parts.len + 1, &parts2) == QSH_OK,
         "the exact size is not enough (or another context disagrees)");
    if (other != ctx2) {
        qsh_ctx_free(other);
    }
    prop(parts2.len == parts.len && memcmp(out, exact, parts.len) == 0,
         "another context gave other bytes");
    prop(qsh_canonicalize(ctx, &r, exact, parts.len, &parts2) == QSH_E_BUFFER_TOO_SMALL,
         "one byte less is enough");
    free(exact);
    for (size_t i = 0; i < parts.method_len; i++) {
        prop(!(out[i] >= 'a' && out[i] <= 'z'), "lower case in the method");
    }
    prop(out[parts.method_len] == '&' && out[parts.query_off - 1] == '&', "separators");
    prop_uri(out + parts.uri_off, parts.uri_len);
    prop_query(out + parts.query_off, parts.query_len);

    /* The same context again, through qsh_compute: the qsh of the same bytes. */
    char hex[QSH_HEX_SIZE], want[QSH_HEX_SIZE];
    unsigned char md[32];
    unsigned int md_len = 0;
    prop(qsh_compute(ctx, &r, hex) == QSH_OK, "qsh_compute failed where canonicalize did not");
    prop(EVP_Digest(out, parts.len, md, &md_len, EVP_sha256(), NULL) == 1, "EVP_Digest");
    for (size_t i = 0; i < 32; i++) {
        snprintf(want + 2 * i, 3, "%02x", md[i]);
    }
    prop(strcmp(hex, want) == 0, "qsh is not SHA-256 of the canonical request");
    return 0;
}
