/* Every status of the one list (QSH_STATUS_LIST) has its name and message in the table and in
 * qsh_status_all, in numeric order; names are unique and round-trip; the values, names and
 * messages are those the vectors and reports print; unknown values get the documented
 * fallbacks. */
#include <stdint.h>

#include "check.h"
#include "qsh/status.h"

typedef struct listed {
    qsh_status status;
    int value;
    const char *name;
    const char *message;
} listed;

#define LISTED(name, value, message) {name, value, #name, message},
static const listed list[] = {QSH_STATUS_LIST(LISTED)};
#undef LISTED
#define LIST_COUNT (sizeof list / sizeof list[0])

/* FNV-1a over "value|name|message\n" of the first `count` statuses, from the library's
 * lookups. */
static uint64_t table_digest(size_t count) {
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    char line[512];
    for (size_t i = 0; i < count && i < qsh_status_count; i++) {
        qsh_status s = qsh_status_all[i];
        int n = snprintf(line, sizeof line, "%d|%s|%s\n", (int)s, qsh_status_name(s),
                         qsh_status_message(s));
        for (int k = 0; k < n && k < (int)sizeof line; k++) {
            h ^= (unsigned char)line[k];
            h *= UINT64_C(0x100000001b3);
        }
    }
    return h;
}

int main(void) {
    CHECK(qsh_status_count == LIST_COUNT);
    for (size_t i = 0; i < LIST_COUNT && i < qsh_status_count; i++) {
        const listed *e = &list[i];
        qsh_status back;
        CHECK((int)e->status == e->value); /* the enum is the list's */
        CHECK(qsh_status_all[i] == e->status);
        CHECK_STR(qsh_status_name(e->status), e->name);
        CHECK_STR(qsh_status_message(e->status), e->message);
        CHECK(strlen(e->message) > 5);
        CHECK(strncmp(e->name, i == 0 ? "QSH_OK" : "QSH_E_", 6) == 0);
        CHECK_STR(qsh_reason_code(e->status), i == 0 ? "OK" : e->name + 6);
        CHECK(qsh_status_from_name(e->name, strlen(e->name), &back) == 1 && back == e->status);
        if (i > 0) {
            CHECK(list[i - 1].value < e->value); /* numeric order, no value twice */
        }
        for (size_t j = 0; j < i; j++) {
            CHECK(strcmp(e->name, list[j].name) != 0);
        }
    }
    /* Values, names and messages are printed by vectors and reports: they never change. The
     * first digest is of the 57 statuses as they were when the list was made the one source;
     * statuses are only ever appended: the second pins the 59 of the 2021-2026 token rules. */
    CHECK(qsh_status_count == 62);
    CHECK(table_digest(57) == UINT64_C(0xb306a8daed18b414));
    CHECK(table_digest(59) == UINT64_C(0x9329a279d84d7e2e));
    CHECK(table_digest(62) ==
          UINT64_C(0x4e3db8b6c3fceadf)); /* and the 62 with Forge Invocation Tokens */
    CHECK_STR(qsh_status_name(QSH_OK), "QSH_OK");
    CHECK_STR(qsh_status_name(QSH_E_PERCENT_MALFORMED), "QSH_E_PERCENT_MALFORMED");
    CHECK(QSH_E_PERCENT_MALFORMED == 23); /* numbers are part of the ABI */
    CHECK_STR(qsh_status_name((qsh_status)9999), "QSH_E_UNKNOWN");
    CHECK_STR(qsh_status_message((qsh_status)9999), "unknown status");
    CHECK_STR(qsh_reason_code((qsh_status)9999), "UNKNOWN");
    qsh_status out = QSH_OK;
    CHECK(qsh_status_from_name("QSH_E_NOPE", 10, &out) == 0);
    CHECK(qsh_status_from_name("QSH_OK", 5, &out) == 0); /* a prefix is not a name */
    CHECK(qsh_status_from_name(NULL, 0, &out) == 0);
    return check_finish();
}
