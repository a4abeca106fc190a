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

/* The clock of deadlines: monotonic seconds. */
double qc_exec_now(void);

/* The status of a case that was not sent because the run's deadline had come (outcome
 * QC_OUT_SKIPPED): such a case was not run at all. */
#define QC_EXEC_NOT_RUN "not run: the time given to the run is up"

/* A program run through `sh -c command` (`sh -c 'exec command'` when it is a simple command,
 * so that its own exit is seen). Returns 0 once it has answered the hello, else -1
 * with a message in err. */
int qc_impl_exec(qc_impl *impl, const char *command, const qc_exec_options *o, char *err,
                 size_t errcap);

/* A C plugin, loaded by `qshcheck plugin-host` in a child process. self is the path of the
 * running qshcheck. */
int qc_impl_plugin(qc_impl *impl, const char *self, const char *plugin_path,
                   const qc_exec_options *o, char *err, size_t errcap);

/* How many times the program of impl (from qc_impl_exec or qc_impl_plugin) was started again
 * after its first start; 0 for any other implementation. */
size_t qc_exec_restarts(const qc_impl *impl);

/* From deadline (qc_exec_now's clock) on, impl's program is stopped and the cases not yet
 * answered come back as QC_EXEC_NOT_RUN: no wait lasts past it. No effect on other
 * implementations. */
void qc_exec_set_deadline(qc_impl *impl, double deadline);

#endif
