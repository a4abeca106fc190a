/* Choosing the implementation a command runs: a program, a plugin, or the reference. */
#include <stdio.h>
#include <unistd.h>

#include "protocol/open.h"

int qc_impl_open(qc_impl *impl, const char *exec, const char *plugin, const qc_exec_options *o) {
    char err[512];
    if (exec != NULL) {
        if (qc_impl_exec(impl, exec, o, err, sizeof err) != 0) {
            fprintf(stderr, "qshcheck: cannot start '%s': %s\n", exec, err);
            return -1;
        }
        return 0;
    }
    if (plugin != NULL) {
        char self[4096];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n <= 0) {
            fprintf(stderr, "qshcheck: cannot find its own executable to host the plugin\n");
            return -1;
        }
        self[n] = '\0';
        if (qc_impl_plugin(impl, self, plugin, o, err, sizeof err) != 0) {
            fprintf(stderr, "qshcheck: cannot load the plugin %s: %s\n", plugin, err);
            return -1;
        }
        return 0;
    }
    if (qc_impl_ref(impl) != 0) {
        fprintf(stderr, "qshcheck: cannot set up the reference implementation\n");
        return -1;
    }
    return 0;
}
