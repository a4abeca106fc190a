#include "cli/cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int cli_usage_error(const char *usage, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("qshcheck: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\n\n", stderr);
    va_end(ap);
    fputs(usage, stderr);
    return QC_EXIT_USAGE;
}
