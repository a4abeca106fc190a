/* The mock product's dashboard (harness/http/calls.c) from records of calls: the app's canonical
 * request with its first differing byte marked, and no mark where the request had to be
 * written escaped (not UTF-8), since the offset counts raw bytes. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "http/calls.h"

static char *line(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    CHECK(p != NULL);
    memcpy(p, s, n);
    return p;
}

/* The dashboard of one call whose record is `record`. */
static char *dashboard_of(const char *record) {
    qc_calls cs;
    CHECK(qc_calls_init(&cs, NULL) == 0);
    CHECK(qc_calls_add(&cs, line(record)) == 0);
    size_t len = 0;
    char *page = qc_calls_dashboard(&cs, "http://127.0.0.1:1", &len);
    CHECK(page != NULL && strlen(page) == len);
    qc_calls_free(&cs);
    return page;
}

#define RECORD(theirs, extra)                                                                      \
    "{\"id\":1,\"time\":0,\"request\":{\"method\":\"GET\",\"target\":\"/p?a=b\",\"headers\":[],"   \
    "\"bodyLength\":0,\"body\":\"\"},\"status\":401,\"verdict\":\"rejected\",\"reason\":"          \
    "\"QSH_MISMATCH\",\"claimedQsh\":\"00\",\"canonicalRequest\":\"GET&/"                          \
    "p&a=b\",\"appCanonicalRequest\":\"" theirs "\"" extra                                         \
    ",\"mistakes\":\"X\",\"differsIn\":\"query\",\"firstDifference\":9}"

int main(void) {
    char *plain = dashboard_of(RECORD("GET&/p&a=c", ""));
    CHECK(strstr(plain, "GET&amp;/p&amp;a=<mark class=\"diff\">c</mark>") != NULL);
    free(plain);

    /* the bytes of "GET&/p&\xFF" as call_line writes them, escaped */
    char *escaped = dashboard_of(RECORD("GET&/p&\\\\xFF", ",\"appCanonicalRequestEscaped\":true"));
    CHECK(strstr(escaped, "GET&amp;/p&amp;\\xFF") != NULL);
    CHECK(strstr(escaped, "<mark class=\"diff\">") == NULL);
    CHECK(strstr(escaped, "the first difference is not marked") != NULL);
    free(escaped);
    return check_finish();
}
