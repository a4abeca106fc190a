/* `qshcheck mistakes [--json]`: the catalogue of known mistakes, for people and for tools. */
#include <jansson.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "mistakes/catalogue.h"

static const char usage[] =
    "usage: qshcheck mistakes [--json]\n"
    "\n"
    "Lists the known mistakes of real implementations that `diagnose`, `fuzz-diff` and\n"
    "`serve --mistakes` use: each name, what a library does wrong, and the rule it breaks.\n"
    "Marked * : in the first list of docs/RULES.md (Known mistakes); the others were found\n"
    "since.\n";

int cmd_mistakes(int argc, char **argv) {
    int as_json = 0;
    const cli_option opts[] = {{"json", CLI_FLAG, &as_json, 0, 0, NULL}};
    cli_spec spec = {usage, opts, 1, NULL, 0, 0};
    int pr = cli_parse(argc, argv, &spec);
    if (pr != CLI_PARSED) {
        return cli_parse_exit(pr);
    }
    if (as_json) {
        json_t *arr = json_array();
        for (int i = 0; i < QC_MISTAKE_COUNT; i++) {
            const qc_mistake *m = &qc_mistakes[i];
            json_array_append_new(arr, json_pack("{s:s, s:b, s:s, s:s}", "name", m->name, "inSpec",
                                                 m->in_spec, "what", m->what, "rule", m->rule));
        }
        json_t *doc = json_pack("{s:o}", "mistakes", arr);
        json_dumpf(doc, stdout, JSON_INDENT(2));
        fputc('\n', stdout);
        json_decref(doc);
        return QC_EXIT_OK;
    }
    for (int i = 0; i < QC_MISTAKE_COUNT; i++) {
        const qc_mistake *m = &qc_mistakes[i];
        printf("%c %-26s %s\n  %-26s rule: %s\n", m->in_spec ? '*' : ' ', m->name, m->what, "",
               m->rule);
    }
    return QC_EXIT_OK;
}
