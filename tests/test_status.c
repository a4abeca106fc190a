/* Every status has a name and a message from the one table, names are unique and round-trip,
 * and unknown values get the documented fallbacks. */
#include <stdint.h>

#include "check.h"
#include "qsh/status.h"

int main(void) {
    CHECK(qsh_status_count >= 57);
    for (size_t i = 0; i < qsh_status_count; i++) {
        qsh_status s = qsh_status_all[i], back;
        const char *name = qsh_status_name(s);
        const char *msg = qsh_status_message(s);
        CHECK(strcmp(name, "QSH_E_UNKNOWN") != 0);
        CHECK(strcmp(msg, "unknown status") != 0 && strlen(msg) > 5);
        CHECK(strncmp(name, i == 0 ? "QSH_OK" : "QSH_E_", i == 0 ? 6 : 6) == 0);
        CHECK(qsh_status_from_name(name, strlen(name), &back) == 1 && back == s);
        if (i > 0) {
            CHECK(qsh_status_all[i - 1] < s); /* listed in numeric order, no duplicates */
        }
        for (size_t j = 0; j < i; j++) {
            CHECK(strcmp(name, qsh_status_name(qsh_status_all[j])) != 0);
        }
    }
    CHECK_STR(qsh_status_name(QSH_OK), "QSH_OK");
    CHECK_STR(qsh_status_name(QSH_E_PERCENT_MALFORMED), "QSH_E_PERCENT_MALFORMED");
    CHECK(QSH_E_PERCENT_MALFORMED == 23); /* numbers are part of the ABI */
    CHECK_STR(qsh_status_name((qsh_status)9999), "QSH_E_UNKNOWN");
    CHECK_STR(qsh_status_message((qsh_status)9999), "unknown status");
    qsh_status out = QSH_OK;
    CHECK(qsh_status_from_name("QSH_E_NOPE", 10, &out) == 0);
    CHECK(qsh_status_from_name("QSH_OK", 5, &out) == 0); /* a prefix is not a name */
    CHECK(qsh_status_from_name(NULL, 0, &out) == 0);
    return check_finish();
}
