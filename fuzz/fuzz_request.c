/* Fuzz target: the whole request.
 *
 * Input framing: byte 0 holds flags (bit 0: product profile); the rest is split at 0xFF bytes
 * into up to five fields, in order: method, target, base URL, body, content type. Missing
 * fields are empty; a sixth and later fields are ignored. Bytes are passed as they are, so
 * controls, NUL and non-ASCII reach the reference's own checks.
 *
 * Properties: every status is a documented one other than misuse statuses; the output fits
 * the bound and is NUL-terminated; the method is upper case; URI and query satisfy prop_uri and
 * prop_query; qsh_compute gives the SHA-256 (through libcrypto's EVP one-shot, not the
 * reference's hashing code) of the canonical request; a second call with the same context,
 * and a call with a fresh context, give the same bytes; a buffer of exactly the output's size
 * suffices and one byte less gives QSH_E_BUFFER_TOO_SMALL; on failure the parts are zero; the
 * status's name parses back to it and it has a message. */
#include <openssl/evp.h>
#include <stdint.h>

#include "fuzz_input.h"
#include "fuzz_props.h"
#include "qsh/qsh.h"

static qsh_ctx *ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1 || size > 65536) {
        return 0;
    }
    if (ctx == NULL && (ctx = qsh_ctx_new()) == NULL) {
        abort();
    }
    qsh_request r = fuzz_request_of(data + 1, size - 1,
                                    (data[0] & 1) ? QSH_PROFILE_PRODUCT : QSH_PROFILE_SERVER);
    size_t bound = qsh_canonical_bound(&r);
    if (bound == 0) { /* only a length over its limit may give no bound */
        char one[1];
        qsh_canonical p;
        qsh_status st = qsh_canonicalize(ctx, &r, one, sizeof one, &p);
        prop(st == QSH_E_METHOD_TOO_LONG || st == QSH_E_TARGET_TOO_LONG ||
                 st == QSH_E_BODY_TOO_LONG,
             "a zero bound for a request within the limits");
        return 0;
    }
    char *out = malloc(bound), *again = malloc(bound);
    prop(out != NULL && again != NULL, "out of memory");
    qsh_canonical parts, parts2;
    qsh_status st = qsh_canonicalize(ctx, &r, out, bound, &parts);
    qsh_status st2 = qsh_canonicalize(ctx, &r, again, bound, &parts2);
    prop(st == st2, "the same request gave two statuses");
    qsh_status back;
    const char *name = qsh_status_name(st);
    prop(qsh_status_from_name(name, strlen(name), &back) == 1 && back == st &&
             strlen(qsh_status_message(st)) > 0,
         "status name or message missing");
    qsh_ctx *fresh = qsh_ctx_new();
    prop(fresh != NULL, "qsh_ctx_new");
    prop(qsh_canonicalize(fresh, &r, again, bound, &parts2) == st, "a fresh context disagrees");
    prop(st != QSH_OK || (parts2.len == parts.len && memcmp(out, again, parts.len) == 0),
         "a fresh context gave other bytes");
    qsh_ctx_free(fresh);
    if (st == QSH_OK) {
        prop(qsh_canonicalize(ctx, &r, again, parts.len + 1, &parts2) == QSH_OK,
             "the exact size is not enough");
        prop(qsh_canonicalize(ctx, &r, again, parts.len, &parts2) == QSH_E_BUFFER_TOO_SMALL,
             "one byte less is enough");
        prop(qsh_canonicalize(ctx, &r, again, bound, &parts2) == QSH_OK, "again");
    }
    if (st != QSH_OK) {
        prop(st != QSH_E_NULL_ARG && st != QSH_E_BUFFER_TOO_SMALL && st != QSH_E_PROFILE_INVALID &&
                 strcmp(qsh_status_name(st), "QSH_E_UNKNOWN") != 0,
             "a misuse or unknown status for a well-formed call");
        prop(parts.len == 0 && parts.uri_off == 0, "parts set on failure");
    } else {
        prop(parts.len < bound && out[parts.len] == '\0', "output not within bound");
        prop(parts2.len == parts.len && memcmp(out, again, parts.len) == 0,
             "the same request gave two outputs");
        for (size_t i = 0; i < parts.method_len; i++) {
            prop(!(out[i] >= 'a' && out[i] <= 'z'), "lower case in the method");
        }
        prop(out[parts.method_len] == '&' && out[parts.query_off - 1] == '&', "separators");
        prop_uri(out + parts.uri_off, parts.uri_len);
        prop_query(out + parts.query_off, parts.query_len);

        char hex[QSH_HEX_SIZE], want[QSH_HEX_SIZE];
        unsigned char md[32];
        unsigned int md_len = 0;
        prop(qsh_compute(ctx, &r, hex) == QSH_OK, "qsh_compute failed where canonicalize did not");
        prop(EVP_Digest(out, parts.len, md, &md_len, EVP_sha256(), NULL) == 1, "EVP_Digest");
        for (size_t i = 0; i < 32; i++) {
            snprintf(want + 2 * i, 3, "%02x", md[i]);
        }
        prop(strcmp(hex, want) == 0, "qsh is not SHA-256 of the canonical request");
    }
    free(out);
    free(again);
    return 0;
}
