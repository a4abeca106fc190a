/* Fuzz target: the parser of what external programs send back (harness/protocol/messages.c).
 *
 * Input: one line from a program, parsed both as its hello and as an answer. Properties: a
 * parsed answer has exactly one outcome; a canonical request's parts lie inside it, in order
 * (method, '&', URI, '&', query) and cover it; a qsh is 64 lowercase hex digits; a failed
 * parse leaves nothing allocated; the hello's strings are NUL-terminated within their fields. */
#include <stdint.h>

#include "fuzz_props.h"
#include "protocol/messages.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[200];
    qc_hello h;
    if (qc_proto_parse_hello((const char *)data, size, &h, err, sizeof err) == 0) {
        prop(memchr(h.name, '\0', sizeof h.name) != NULL, "hello name not terminated");
        prop(memchr(h.version, '\0', sizeof h.version) != NULL, "hello version not terminated");
        prop(h.profiles != 0 && h.ops != 0, "a hello accepted with no profile or operation");
    }
    long long id;
    qc_answer a;
    if (qc_proto_parse_answer((const char *)data, size, &id, &a, err, sizeof err) != 0) {
        prop(a.request == NULL, "a failed parse kept a request");
        return 0;
    }
    prop(a.outcome == QC_OUT_OK || a.outcome == QC_OUT_ERROR || a.outcome == QC_OUT_SKIPPED,
         "an outcome a parsed answer cannot have");
    if (a.outcome == QC_OUT_OK) {
        prop(a.request != NULL || a.has_qsh, "an OK answer with nothing in it");
    }
    if (a.request != NULL) {
        size_t n = a.request_len;
        prop(a.request[n] == '\0', "request not terminated");
        prop(a.method_len <= n && a.uri_off <= n && a.uri_off + a.uri_len <= n &&
                 a.query_off <= n && a.query_off + a.query_len == n,
             "parts outside the request");
        prop(a.uri_off >= a.method_len && a.query_off >= a.uri_off + a.uri_len,
             "parts out of order");
    }
    if (a.has_qsh) {
        for (int i = 0; i < 64; i++) {
            char c = a.qsh[i];
            prop((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'), "qsh not lowercase hex");
        }
        prop(a.qsh[64] == '\0', "qsh not terminated");
    }
    qc_answer_clear(&a);
    return 0;
}
