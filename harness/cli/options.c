#include "cli/options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* The option of spec whose name is arg[2..2+n), or NULL. */
static const cli_option *find(const cli_spec *spec, const char *name, size_t n) {
    for (size_t k = 0; k < spec->nopts; k++) {
        if (strlen(spec->opts[k].name) == n && strncmp(spec->opts[k].name, name, n) == 0) {
            return &spec->opts[k];
        }
    }
    return NULL;
}

/* strtod and strtoll accept leading blanks and signs that a command line should not: the
 * value must start with a digit (or '.', for seconds). */
static int starts_as_number(const char *v) {
    return (v[0] >= '0' && v[0] <= '9') || v[0] == '.';
}

static int store(const cli_option *o, const char *v) {
    char *end = NULL;
    errno = 0;
    switch (o->kind) {
    case CLI_STRING:
        *(const char **)o->dest = v;
        return 0;
    case CLI_SECONDS: {
        double d = starts_as_number(v) ? strtod(v, &end) : -1;
        if (d < 0 || *end != '\0' || errno != 0 || !(d > 0) || d > o->max) {
            return -1;
        }
        *(double *)o->dest = d;
        return 0;
    }
    case CLI_INTEGER: {
        int neg = v[0] == '-' && o->min < 0;
        long long x = starts_as_number(v + neg) ? strtoll(v, &end, 10) : -1;
        if (!starts_as_number(v + neg) || *end != '\0' || errno != 0 || x < o->min ||
            (double)x > o->max) {
            return -1;
        }
        *(long long *)o->dest = x;
        return 0;
    }
    case CLI_U64: {
        unsigned long long x = starts_as_number(v) ? strtoull(v, &end, 10) : 0;
        if (!starts_as_number(v) || *end != '\0' || errno != 0) {
            return -1;
        }
        *(unsigned long long *)o->dest = x;
        return 0;
    }
    case CLI_LIST: {
        cli_list *l = o->dest;
        if (l->count == CLI_LIST_MAX) {
            return -1;
        }
        l->items[l->count++] = v;
        return 0;
    }
    case CLI_FLAG:
        break;
    }
    return -1;
}

/* Prints a usage error; returns CLI_BAD. */
#define BAD(spec, ...) (cli_usage_error((spec)->usage, __VA_ARGS__), CLI_BAD)

/* Reads the option at argv[*i] (which starts with "--"). */
static int option(int argc, char **argv, int *i, cli_spec *spec, unsigned char *seen) {
    const char *a = argv[*i] + 2;
    const char *eq = strchr(a, '=');
    size_t n = eq ? (size_t)(eq - a) : strlen(a);
    const cli_option *o = find(spec, a, n);
    if (o == NULL) {
        return BAD(spec, "unknown option --%.*s", (int)n, a);
    }
    size_t k = (size_t)(o - spec->opts);
    if (seen[k] && o->kind != CLI_LIST) {
        return BAD(spec, "option --%s is given twice", o->name);
    }
    seen[k] = 1;
    if (o->kind == CLI_FLAG) {
        if (eq != NULL) {
            return BAD(spec, "option --%s takes no value", o->name);
        }
        *(int *)o->dest = 1;
        return CLI_PARSED;
    }
    const char *v = eq ? eq + 1 : NULL;
    if (v == NULL) {
        if (*i + 1 >= argc) {
            return BAD(spec, "option --%s needs a value", o->name);
        }
        v = argv[++*i];
    }
    if (store(o, v) != 0) {
        return BAD(spec, "--%s needs %s, not '%s'", o->name, o->range, v);
    }
    return CLI_PARSED;
}

int cli_parse(int argc, char **argv, cli_spec *spec) {
    unsigned char seen[64] = {0};
    int only_pos = 0;
    spec->npos = 0;
    if (spec->nopts > sizeof seen) {
        return BAD(spec, "too many options in this command's table");
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!only_pos && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
            fputs(spec->usage, stdout);
            return CLI_HELP;
        }
        if (!only_pos && strcmp(a, "--") == 0) {
            only_pos = 1;
        } else if (!only_pos && a[0] == '-' && a[1] == '-') {
            if (option(argc, argv, &i, spec, seen) != CLI_PARSED) {
                return CLI_BAD;
            }
        } else if (!only_pos && a[0] == '-' && a[1] != '\0') {
            return BAD(spec, "unknown option %s", a);
        } else if (spec->npos == spec->max_pos) {
            return BAD(spec, "unexpected argument '%s'", a);
        } else {
            spec->pos[spec->npos++] = a;
        }
    }
    return CLI_PARSED;
}

int cli_parse_exit(int parsed) {
    return parsed == CLI_HELP ? QC_EXIT_OK : QC_EXIT_USAGE;
}
