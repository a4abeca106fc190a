/* The reference library as a qshcheck C plugin: proves the plugin interface end to end, and is
 * an example for plugin authors (build it as a shared library exporting qshcheck_plugin_v1). */
#include "ref_glue.h"

static const qshcheck_plugin_table_v1 table = {QSHCHECK_PLUGIN_ABI,
                                               sizeof(qshcheck_plugin_table_v1),
                                               "libqsh-plugin",
                                               "1",
                                               glue_canonical,
                                               glue_qsh,
                                               NULL};

const qshcheck_plugin_table_v1 *qshcheck_plugin_v1(void) {
    return &table;
}
