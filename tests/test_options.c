/* The option parser of the command line (harness/cli/options.c): every kind, the ranges, and
 * each usage error. The errors' text goes to stderr; this test checks what each call returns
 * and what it stored. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli/options.h"

typedef struct parsed {
    const char *name;
    int flag;
    double secs;
    long long count;
    unsigned long long seed;
    cli_list list;
    const char *pos[3];
    cli_impl_choice impl;
    cli_spec spec;
} parsed;

/* Parses the NULL-terminated arguments after a command name. */
static int parse(parsed *p, const char *const *args) {
    char *argv[32];
    int argc = 0;
    argv[argc++] = "cmd";
    for (size_t i = 0; args[i] != NULL && argc < 31; i++) {
        argv[argc++] = (char *)args[i];
    }
    argv[argc] = NULL;
    memset(p, 0, sizeof *p);
    qc_exec_options_default(&p->impl.exec_opt);
    static cli_option opts[10];
    const cli_option table[] = {
        CLI_IMPL_OPTIONS(&p->impl),
        {"name", CLI_STRING, &p->name, 0, 0, NULL},
        {"flag", CLI_FLAG, &p->flag, 0, 0, NULL},
        {"secs", CLI_SECONDS, &p->secs, 0, 100, "seconds"},
        {"count", CLI_INTEGER, &p->count, -5, 10, "a count"},
        {"seed", CLI_U64, &p->seed, 0, 0, "a seed"},
        {"item", CLI_LIST, &p->list, 0, 0, "at most 32 items"},
    };
    memcpy(opts, table, sizeof table);
    p->spec = (cli_spec){"usage: cmd\n", opts, sizeof table / sizeof table[0], p->pos, 3, 0};
    return cli_parse(argc, argv, &p->spec);
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

int main(void) {
    parsed p;
    /* Each kind, in both spellings. */
    CHECK(parse(&p, ARGS("--name", "x", "--flag", "--secs=2.5", "--count", "-5", "--seed",
                         "18446744073709551615")) == CLI_PARSED);
    CHECK(p.name != NULL && strcmp(p.name, "x") == 0);
    CHECK(p.flag == 1 && p.secs == 2.5 && p.count == -5 && p.seed == 18446744073709551615ULL);
    CHECK(parse(&p, ARGS("--name=a=b")) == CLI_PARSED && strcmp(p.name, "a=b") == 0);
    CHECK(parse(&p, ARGS("--name", "--flag")) == CLI_PARSED && strcmp(p.name, "--flag") == 0 &&
          p.flag == 0);
    /* The shared implementation options. */
    CHECK(parse(&p, ARGS("--exec", "prog", "--timeout", "0.5", "--hide-stderr")) == CLI_PARSED);
    CHECK(p.impl.exec != NULL && strcmp(p.impl.exec, "prog") == 0 && p.impl.plugin == NULL);
    CHECK(p.impl.exec_opt.timeout == 0.5 && p.impl.exec_opt.quiet_stderr == 1);
    CHECK(parse(&p, ARGS("--plugin", "lib.so")) == CLI_PARSED && p.impl.exec_opt.timeout == 10);
    /* Positional arguments, and "--" ending the options. */
    CHECK(parse(&p, ARGS("a", "--flag", "b")) == CLI_PARSED && p.spec.npos == 2);
    CHECK(strcmp(p.pos[0], "a") == 0 && strcmp(p.pos[1], "b") == 0 && p.flag == 1);
    CHECK(parse(&p, ARGS("--", "--flag", "-h", "-")) == CLI_PARSED && p.spec.npos == 3 &&
          p.flag == 0 && strcmp(p.pos[1], "-h") == 0);
    CHECK(parse(&p, ARGS("-")) == CLI_PARSED && p.spec.npos == 1);
    CHECK(parse(&p, ARGS("a", "b", "c", "d")) == CLI_BAD);
    /* Help. */
    CHECK(parse(&p, ARGS("--flag", "--help", "--nope")) == CLI_HELP);
    CHECK(parse(&p, ARGS("-h")) == CLI_HELP);
    CHECK(cli_parse_exit(CLI_HELP) == 0 && cli_parse_exit(CLI_BAD) == 2);
    /* Usage errors. */
    CHECK(parse(&p, ARGS("--nope")) == CLI_BAD);
    CHECK(parse(&p, ARGS("--nope=1")) == CLI_BAD);
    CHECK(parse(&p, ARGS("--nam", "x")) == CLI_BAD); /* no prefix matching */
    CHECK(parse(&p, ARGS("-x")) == CLI_BAD);
    CHECK(parse(&p, ARGS("--name")) == CLI_BAD);
    CHECK(parse(&p, ARGS("--flag=1")) == CLI_BAD);
    CHECK(parse(&p, ARGS("--name", "a", "--name", "b")) == CLI_BAD);
    CHECK(parse(&p, ARGS("--flag", "--flag")) == CLI_BAD);
    CHECK(parse(&p, ARGS("--exec", "a", "--exec=b")) == CLI_BAD);
    /* Ranges: seconds are > 0 and <= max, finite, plain decimal. */
    const char *bad_secs[] = {"0", "-1", "100.5", "", "x", "1x", " 1", "+1", "nan", "inf", "1e999"};
    for (size_t i = 0; i < sizeof bad_secs / sizeof bad_secs[0]; i++) {
        CHECK(parse(&p, ARGS("--secs", bad_secs[i])) == CLI_BAD);
    }
    CHECK(parse(&p, ARGS("--secs", "100")) == CLI_PARSED && p.secs == 100);
    CHECK(parse(&p, ARGS("--secs", ".5")) == CLI_PARSED && p.secs == 0.5);
    CHECK(parse(&p, ARGS("--timeout", "86401")) == CLI_BAD);
    const char *bad_count[] = {"-6", "11", "1.5", "", "--1", "+1", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad_count / sizeof bad_count[0]; i++) {
        CHECK(parse(&p, ARGS("--count", bad_count[i])) == CLI_BAD);
    }
    CHECK(parse(&p, ARGS("--count", "10")) == CLI_PARSED && p.count == 10);
    const char *bad_seed[] = {"-1", "18446744073709551616", "", "1.0", " 1"};
    for (size_t i = 0; i < sizeof bad_seed / sizeof bad_seed[0]; i++) {
        CHECK(parse(&p, ARGS("--seed", bad_seed[i])) == CLI_BAD);
    }
    CHECK(parse(&p, ARGS("--seed", "0")) == CLI_PARSED && p.seed == 0);
    /* A list option may be given again and again, in order, up to CLI_LIST_MAX values. */
    CHECK(parse(&p, ARGS("--item", "a", "--name", "n", "--item=b", "--item", "")) == CLI_PARSED);
    CHECK(p.list.count == 3 && strcmp(p.list.items[0], "a") == 0 &&
          strcmp(p.list.items[1], "b") == 0 && strcmp(p.list.items[2], "") == 0);
    CHECK(parse(&p, ARGS("--item")) == CLI_BAD);
    CHECK(parse(&p, ARGS("x")) == CLI_PARSED && p.list.count == 0);
    char *many[2 + 2 * (CLI_LIST_MAX + 1)];
    int argc = 0;
    many[argc++] = "cmd";
    for (int i = 0; i <= CLI_LIST_MAX; i++) {
        many[argc++] = "--item";
        many[argc++] = "v";
    }
    many[argc] = NULL;
    cli_list list;
    memset(&list, 0, sizeof list);
    const cli_option list_only[] = {{"item", CLI_LIST, &list, 0, 0, "at most 32 items"}};
    cli_spec spec = {"usage: cmd\n", list_only, 1, NULL, 0, 0};
    CHECK(cli_parse(argc - 2, many, &spec) == CLI_PARSED && list.count == CLI_LIST_MAX);
    memset(&list, 0, sizeof list);
    CHECK(cli_parse(argc, many, &spec) == CLI_BAD && list.count == CLI_LIST_MAX);
    return check_finish();
}
