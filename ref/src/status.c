/* The status table, generated from QSH_STATUS_LIST (qsh/status.h) like the enum, so that every
 * status has its name and message. */
#include "qsh/status.h"

#include <string.h>

typedef struct status_entry {
    qsh_status status;
    const char *name;
    const char *message;
} status_entry;

#define STATUS_ENTRY(name, value, message) {name, #name, message},
static const status_entry status_table[] = {QSH_STATUS_LIST(STATUS_ENTRY)};
#undef STATUS_ENTRY

#define STATUS_COUNT (sizeof status_table / sizeof status_table[0])

#define STATUS_VALUE(name, value, message) name,
const qsh_status qsh_status_all[] = {QSH_STATUS_LIST(STATUS_VALUE)};
#undef STATUS_VALUE
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
