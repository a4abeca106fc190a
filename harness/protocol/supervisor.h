/* Running a program that speaks the line protocol (PROTOCOL.md beside this file), or a C
 * plugin hosted by `qshcheck plugin-host`, as a qc_impl: the pipeline of requests, the
 * timeouts, the restarts after a crash or a hang. */
#ifndef QC_SUPERVISOR_H
#define QC_SUPERVISOR_H

#include <stddef.h>

#include "impl/impl.h"

typedef struct qc_exec_options {
    double timeout;   /* seconds a case may take; the hello gets at least 30 */
    size_t max_line;  /* longest response line accepted */
    size_t window;    /* requests in flight at once */
    int quiet_stderr; /* send the program's stderr to /dev/null */
} qc_exec_options;

void qc_exec_options_default(qc_exec_options *o);

/* A program run through `sh -c command`. Returns 0 once it has answered the hello, else -1
 * with a message in err. */
int qc_impl_exec(qc_impl *impl, const char *command, const qc_exec_options *o, char *err,
                 size_t errcap);

/* A C plugin, loaded by `qshcheck plugin-host` in a child process. self is the path of the
 * running qshcheck. */
int qc_impl_plugin(qc_impl *impl, const char *self, const char *plugin_path,
                   const qc_exec_options *o, char *err, size_t errcap);

#endif
