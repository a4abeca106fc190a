/* Choosing the implementation a command runs. */
#ifndef QC_OPEN_H
#define QC_OPEN_H

#include "protocol/supervisor.h"

/* The program (exec), else the plugin, else the reference when both are NULL. Returns 0, or -1
 * with a message printed. */
int qc_impl_open(qc_impl *impl, const char *exec, const char *plugin, const qc_exec_options *o);

#endif
