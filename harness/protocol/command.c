/* Running --exec's command through sh -c so that its own exit is seen (child.h). A shell that
 * waits for its command reports a command killed by signal 11 as "exit status 139", which says
 * less and could be a real status; `exec` makes the command the child itself. Only a single
 * simple command can take the prefix: a compound one keeps its shell, whose 128 + N statuses
 * are then decoded. */
#include <stdlib.h>
#include <string.h>

#include "protocol/child.h"

static int is_blank(char c) {
    return c == ' ' || c == '\t';
}

/* The shell's reserved words, and words that are not a command to exec. */
static int is_reserved(const char *w, size_t n) {
    static const char *const words[] = {
        "if",  "then", "else", "elif", "fi", "do", "done",     "case", "esac", "while", "until",
        "for", "in",   "{",    "}",    "!",  "[[", "function", "time", "exec", "select"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (strlen(words[i]) == n && memcmp(words[i], w, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Whether the first word is an assignment (NAME=...), which `exec` would take as a command. */
static int is_assignment(const char *w, size_t n) {
    const char *eq = memchr(w, '=', n);
    if (eq == NULL || eq == w) {
        return 0;
    }
    for (const char *p = w; p < eq; p++) {
        if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (p > w && *p >= '0' && *p <= '9'))) {
            return 0;
        }
    }
    return 1;
}

int qc_shell_is_simple(const char *command) {
    const char *p = command;
    while (is_blank(*p)) {
        p++;
    }
    size_t first = strcspn(p, " \t\n;&|()<>'\"\\");
    if (first == 0 ? *p != '\'' && *p != '"' : is_reserved(p, first) || is_assignment(p, first)) {
        return 0; /* a quoted first word is neither a reserved word nor an assignment */
    }
    char quote = 0;
    for (; *p != '\0'; p++) {
        if (quote == '\'') {
            quote = *p == '\'' ? 0 : quote;
        } else if (quote == '"') {
            if (*p == '\\' && p[1] != '\0') {
                p++;
            } else if (*p == '"') {
                quote = 0;
            }
        } else if (*p == '\\') {
            if (p[1] == '\0' || p[1] == '\n') {
                return 0;
            }
            p++;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (strchr(";&|()\n", *p) != NULL) {
            return 0;
        }
    }
    return quote == 0;
}

char **qc_shell_argv(const char *command, int *execd) {
    *execd = qc_shell_is_simple(command);
    size_t n = strlen(command);
    char **argv = calloc(4, sizeof *argv);
    if (argv == NULL) {
        return NULL;
    }
    argv[0] = strdup("/bin/sh");
    argv[1] = strdup("-c");
    argv[2] = malloc(n + 6);
    if (argv[0] == NULL || argv[1] == NULL || argv[2] == NULL) {
        for (int i = 0; i < 3; i++) {
            free(argv[i]);
        }
        free(argv);
        return NULL;
    }
    memcpy(argv[2], *execd ? "exec " : "", *execd ? 5 : 0);
    memcpy(argv[2] + (*execd ? 5 : 0), command, n + 1);
    return argv;
}
