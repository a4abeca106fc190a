/* Command-line options: each command describes its options in one table (name, kind,
 * destination, range) and cli_parse reads argv against it. The options that choose an
 * implementation (run and fuzz-diff) are defined once, by CLI_IMPL_OPTIONS. */
#ifndef QC_OPTIONS_H
#define QC_OPTIONS_H

#include <stddef.h>

#include "protocol/supervisor.h"

typedef enum cli_kind {
    CLI_FLAG,    /* no value: *(int *)dest = 1 */
    CLI_STRING,  /* *(const char **)dest = the value */
    CLI_SECONDS, /* a decimal number with 0 < value <= max: *(double *)dest */
    CLI_INTEGER, /* a whole number with min <= value <= max: *(long long *)dest */
    CLI_U64,     /* a whole number from 0 to 2^64 - 1: *(unsigned long long *)dest */
    CLI_LIST     /* a value, the option given up to CLI_LIST_MAX times: appended to a cli_list */
} cli_kind;

enum { CLI_LIST_MAX = 32 };

/* The values of a CLI_LIST option, in the order given. */
typedef struct cli_list {
    const char *items[CLI_LIST_MAX];
    size_t count;
} cli_list;

typedef struct cli_option {
    const char *name; /* without the leading "--" */
    cli_kind kind;
    void *dest;
    long long min;     /* CLI_INTEGER */
    double max;        /* CLI_SECONDS, CLI_INTEGER */
    const char *range; /* what a value must be, for the error: "seconds between 0 and 86400" */
} cli_option;

typedef struct cli_spec {
    const char *usage;      /* printed for --help (stdout) and after an error (stderr) */
    const cli_option *opts; /* the command's options */
    size_t nopts;
    const char **pos; /* positional arguments, in order; "--" ends the options */
    size_t max_pos;   /* the most positional arguments accepted */
    size_t npos;      /* out: how many were given */
} cli_spec;

enum {
    CLI_PARSED = 0, /* every argument was read: the destinations are set */
    CLI_HELP = 1,   /* --help or -h: the usage was printed on stdout */
    CLI_BAD = 2     /* a usage error: printed on stderr with the usage */
};

/* Reads argv[1..argc) against spec. An option is "--name VALUE" or "--name=VALUE" (a flag takes
 * no value); each may be given once, a CLI_LIST one up to CLI_LIST_MAX times. Any other argument
 * starting with '-' is an unknown option, until "--", after which everything is positional. */
int cli_parse(int argc, char **argv, cli_spec *spec);

/* The exit status for a result of cli_parse other than CLI_PARSED. */
int cli_parse_exit(int parsed);

/* The options that choose and run an implementation, shared by run and fuzz-diff. */
typedef struct cli_impl_choice {
    const char *exec, *plugin;
    qc_exec_options exec_opt;
} cli_impl_choice;

/* clang-format off */
#define CLI_IMPL_OPTIONS(c)                                                                      \
    {"exec", CLI_STRING, &(c)->exec, 0, 0, NULL},                                                \
    {"plugin", CLI_STRING, &(c)->plugin, 0, 0, NULL},                                            \
    {"timeout", CLI_SECONDS, &(c)->exec_opt.timeout, 0, 86400, "seconds between 0 and 86400"},   \
    {"hide-stderr", CLI_FLAG, &(c)->exec_opt.quiet_stderr, 0, 0, NULL}
/* clang-format on */

#endif
