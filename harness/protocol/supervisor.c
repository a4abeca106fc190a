/* An implementation that is a separate program speaking the line protocol.
 *
 * The program stays up across cases and files. Up to `window` requests are in flight at once;
 * reading and writing are multiplexed with poll(), so neither side can block the other. When
 * the program crashes, exits, hangs past the timeout, prints a line that is not an answer,
 * answers an id that was not asked, or floods output without a newline, the oldest request in
 * flight is the one it was working on: that case fails with the reason, the program is killed
 * and restarted, and the other requests in flight are sent again. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "protocol/supervisor.h"
#include "protocol/messages.h"

typedef struct exec_state {
    char **argv; /* what is exec'd: {"/bin/sh", "-c", command} or a plugin host */
    qc_exec_options opt;
    pid_t pid;
    int to_child, from_child;
    char *rbuf; /* bytes read and not yet consumed as lines */
    size_t rlen, rcap, scanned;
    qc_hello hello;
    long long next_id;
    char last_start_error[256];
} exec_state;

void qc_exec_options_default(qc_exec_options *o) {
    o->timeout = 10.0;
    o->max_line = 64u * 1024u * 1024u;
    o->window = 64;
    o->quiet_stderr = 0;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void describe_exit(int status, char *buf, size_t cap) {
    if (WIFEXITED(status) && WEXITSTATUS(status) > 128 && WEXITSTATUS(status) < 128 + 65) {
        /* sh -c reports a command killed by signal N as status 128 + N */
        int sig = WEXITSTATUS(status) - 128;
        snprintf(buf, cap, "exited with status %d: its command was killed by signal %d (%s)",
                 WEXITSTATUS(status), sig, strsignal(sig));
    } else if (WIFEXITED(status)) {
        snprintf(buf, cap, "exited with status %d", WEXITSTATUS(status));
    } else if (WIFSIGNALED(status)) {
        snprintf(buf, cap, "was killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    } else {
        snprintf(buf, cap, "stopped");
    }
}

/* Kills the program's process group, reaps it (unless already reaped: pid 0) and closes the
 * pipes; fills why with how it ended, if wanted. */
static void stop_child(exec_state *s, int force, char *why, size_t cap) {
    if (s->to_child >= 0) {
        close(s->to_child);
        s->to_child = -1;
    }
    if (s->pid > 0) {
        int status = 0;
        pid_t r = 0;
        if (!force) { /* give a well-behaved program a moment to leave on EOF */
            for (int i = 0; i < 100 && (r = waitpid(s->pid, &status, WNOHANG)) == 0; i++) {
                struct timespec ten_ms = {0, 10000000};
                nanosleep(&ten_ms, NULL);
            }
        }
        if (r == 0 || force) {
            kill(-s->pid, SIGKILL);
            kill(s->pid, SIGKILL);
            r = waitpid(s->pid, &status, 0);
        }
        if (why != NULL && r == s->pid) {
            describe_exit(status, why, cap);
        }
    }
    if (s->from_child >= 0) {
        close(s->from_child);
        s->from_child = -1;
    }
    s->pid = -1;
    s->rlen = 0;
    s->scanned = 0;
}

static int spawn(exec_state *s) {
    int in[2], out[2];
    if (pipe(in) != 0) {
        return -1;
    }
    if (pipe(out) != 0) {
        close(in[0]);
        close(in[1]);
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        return -1;
    }
    if (pid == 0) {
        setpgid(0, 0); /* its own group, so that a kill reaches what it started */
        dup2(in[0], 0);
        dup2(out[1], 1);
        if (s->opt.quiet_stderr) {
            int dn = open("/dev/null", O_WRONLY);
            if (dn >= 0) {
                dup2(dn, 2);
            }
        }
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        signal(SIGPIPE, SIG_DFL);
        execv(s->argv[0], s->argv);
        fprintf(stderr, "qshcheck: cannot run %s: %s\n", s->argv[0], strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid);
    close(in[0]);
    close(out[1]);
    s->pid = pid;
    s->to_child = in[1];
    s->from_child = out[0];
    fcntl(s->to_child, F_SETFL, fcntl(s->to_child, F_GETFL) | O_NONBLOCK);
    fcntl(s->from_child, F_SETFL, fcntl(s->from_child, F_GETFL) | O_NONBLOCK);
    fcntl(s->to_child, F_SETFD, FD_CLOEXEC);
    fcntl(s->from_child, F_SETFD, FD_CLOEXEC);
    s->rlen = 0;
    s->scanned = 0;
    return 0;
}

/* Reads what is available. 1: got bytes; 0: nothing now; -1: end of file or error. */
static int read_some(exec_state *s) {
    if (s->rcap - s->rlen < 65536) {
        size_t cap = s->rcap ? s->rcap * 2 : 131072;
        char *p = realloc(s->rbuf, cap);
        if (p == NULL) {
            return -1;
        }
        s->rbuf = p;
        s->rcap = cap;
    }
    ssize_t r = read(s->from_child, s->rbuf + s->rlen, s->rcap - s->rlen);
    if (r > 0) {
        s->rlen += (size_t)r;
        return 1;
    }
    if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
        return 0;
    }
    return -1;
}

/* The next complete line (without its newline) or NULL; consume with take_line. */
static char *peek_line(exec_state *s, size_t *n) {
    if (s->rbuf == NULL || s->scanned >= s->rlen) {
        return NULL;
    }
    char *nl = memchr(s->rbuf + s->scanned, '\n', s->rlen - s->scanned);
    if (nl == NULL) {
        s->scanned = s->rlen;
        return NULL;
    }
    *n = (size_t)(nl - s->rbuf);
    return s->rbuf;
}

static void take_line(exec_state *s, size_t n) {
    memmove(s->rbuf, s->rbuf + n + 1, s->rlen - n - 1);
    s->rlen -= n + 1;
    s->scanned = 0;
}

static int write_all_until(exec_state *s, const char *p, size_t n, double deadline) {
    while (n > 0) {
        ssize_t w = write(s->to_child, p, n);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EINTR) {
            return -1;
        }
        struct pollfd pfd = {s->to_child, POLLOUT, 0};
        double left = deadline - now_s();
        if (left <= 0 || poll(&pfd, 1, (int)(left * 1000) + 1) < 0) {
            return -1;
        }
    }
    return 0;
}

/* Starts the program and exchanges hellos. 0, or -1 with last_start_error set. */
static int start(exec_state *s) {
    char why[128] = "";
    if (spawn(s) != 0) {
        snprintf(s->last_start_error, sizeof s->last_start_error, "cannot start: %s",
                 strerror(errno));
        return -1;
    }
    double deadline = now_s() + (s->opt.timeout > 30 ? s->opt.timeout : 30);
    const char *hello = qc_proto_hello_line();
    if (write_all_until(s, hello, strlen(hello), deadline) != 0) {
        stop_child(s, 1, why, sizeof why);
        snprintf(s->last_start_error, sizeof s->last_start_error,
                 "it did not read the hello (it %s)", why[0] ? why : "stopped reading");
        return -1;
    }
    for (;;) {
        size_t n;
        char *line = peek_line(s, &n);
        if (line != NULL) {
            int rc = qc_proto_parse_hello(line, n, &s->hello, s->last_start_error,
                                          sizeof s->last_start_error);
            take_line(s, n);
            if (rc != 0) {
                stop_child(s, 1, NULL, 0);
                return -1;
            }
            return 0;
        }
        if (s->rlen > 1024 * 1024) {
            snprintf(s->last_start_error, sizeof s->last_start_error,
                     "its hello is over 1 MiB without a newline");
            stop_child(s, 1, NULL, 0);
            return -1;
        }
        struct pollfd pfd = {s->from_child, POLLIN, 0};
        double left = deadline - now_s();
        if (left <= 0) {
            stop_child(s, 1, NULL, 0);
            snprintf(s->last_start_error, sizeof s->last_start_error, "no hello within %.0f s",
                     s->opt.timeout > 30 ? s->opt.timeout : 30);
            return -1;
        }
        if (poll(&pfd, 1, (int)(left * 1000) + 1) > 0 && read_some(s) < 0) {
            stop_child(s, 0, why, sizeof why);
            snprintf(s->last_start_error, sizeof s->last_start_error, "it %s before its hello",
                     why[0] ? why : "closed its output");
            return -1;
        }
    }
}

typedef struct flight {
    size_t index; /* the case */
    long long id;
    double sent;
} flight;

static void answer_broken(qc_answer *a, const char *fmt, const char *detail) {
    memset(a, 0, sizeof *a);
    a->outcome = QC_OUT_BROKEN;
    snprintf(a->status, sizeof a->status, fmt, detail);
}

static void exec_run(void *state, const qc_case *cases, size_t n, qc_answer *answers) {
    exec_state *s = state;
    size_t *todo = malloc((n ? n : 1) * sizeof *todo); /* cases still to send, in order */
    flight *fl = malloc((s->opt.window ? s->opt.window : 1) * sizeof *fl);
    char *wbuf = NULL; /* bytes still to write */
    size_t wlen = 0, wcap = 0, wpos = 0, ntodo = 0, head = 0, nfl = 0, done = 0;
    size_t isolate = 0; /* cases still to send one at a time */
    char why[400], err[200];
    if (todo == NULL || fl == NULL) {
        for (size_t i = 0; i < n; i++) {
            answer_broken(&answers[i], "%s", "out of memory");
        }
        free(todo);
        free(fl);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        todo[ntodo++] = i;
    }
    while (done < n) {
        int gone;
        if (s->pid > 0 && nfl == 0 && waitpid(s->pid, &gone, WNOHANG) == s->pid) {
            s->pid = 0; /* it left between batches: start it afresh, blaming no case */
            stop_child(s, 1, NULL, 0);
        }
        if (s->pid <= 0 && start(s) != 0) {
            for (size_t i = head; i < ntodo; i++) {
                answer_broken(&answers[todo[i]], "the implementation cannot be (re)started: %s",
                              s->last_start_error);
                done++;
            }
            for (size_t i = 0; i < nfl; i++) {
                answer_broken(&answers[fl[i].index], "the implementation cannot be (re)started: %s",
                              s->last_start_error);
                done++;
            }
            break;
        }
        /* Fill the window; after an unattributed failure, one request at a time. */
        size_t window = isolate > 0 ? 1 : s->opt.window;
        while (nfl < window && head < ntodo) {
            size_t idx = todo[head++];
            unsigned op = qc_proto_pick_op(&s->hello, &cases[idx]);
            if (op == 0) {
                memset(&answers[idx], 0, sizeof answers[idx]);
                answers[idx].outcome = QC_OUT_SKIPPED;
                snprintf(answers[idx].status, sizeof answers[idx].status,
                         "the implementation offers no operation for this case's profile");
                done++;
                continue;
            }
            size_t len;
            char *line = qc_proto_request(s->next_id, op, &cases[idx], &len);
            if (line != NULL && wcap - wlen < len) {
                char *grown = realloc(wbuf, wlen + len + 65536);
                if (grown == NULL) {
                    free(line);
                    line = NULL;
                } else {
                    wbuf = grown;
                    wcap = wlen + len + 65536;
                }
            }
            if (line == NULL) {
                answer_broken(&answers[idx], "%s", "out of memory");
                done++;
                continue;
            }
            memcpy(wbuf + wlen, line, len);
            wlen += len;
            free(line);
            fl[nfl].index = idx;
            fl[nfl].id = s->next_id++;
            fl[nfl].sent = now_s();
            nfl++;
        }
        if (nfl == 0) {
            continue;
        }
        /* Wait for the program, until the oldest request's deadline. */
        struct pollfd pfd[2] = {{s->from_child, POLLIN, 0}, {s->to_child, POLLOUT, 0}};
        double left = fl[0].sent + s->opt.timeout - now_s();
        int np = wpos < wlen ? 2 : 1;
        int pr = left > 0 ? poll(pfd, (nfds_t)np, (int)(left * 1000) + 1) : 0;
        const char *fail = NULL;
        int timed_out = 0;
        why[0] = '\0';
        if (pr == 0 && fl[0].sent + s->opt.timeout <= now_s()) {
            snprintf(why, sizeof why, "no answer within %.1f s: the implementation hangs",
                     s->opt.timeout);
            fail = why;
            timed_out = 1;
        }
        if (fail == NULL && np == 2 && (pfd[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t w = write(s->to_child, wbuf + wpos, wlen - wpos);
            if (w > 0) {
                wpos += (size_t)w;
                if (wpos == wlen) {
                    wpos = wlen = 0;
                }
            } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
                pfd[0].revents |= POLLHUP; /* it closed its input: find out how it ended */
            }
        }
        if (fail == NULL && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            int r;
            while ((r = read_some(s)) > 0 && s->rlen < s->opt.max_line + 65536) {
            }
            size_t len;
            char *line;
            while (fail == NULL && (line = peek_line(s, &len)) != NULL) {
                long long id;
                qc_answer a;
                if (qc_proto_parse_answer(line, len, &id, &a, err, sizeof err) != 0) {
                    snprintf(why, sizeof why, "malformed answer: %s", err);
                    fail = why;
                    break;
                }
                take_line(s, len);
                size_t k = 0;
                while (k < nfl && fl[k].id != id) {
                    k++;
                }
                if (k == nfl) {
                    qc_answer_clear(&a);
                    snprintf(why, sizeof why, "answered id %lld, which is not a request in flight",
                             id);
                    fail = why;
                    break;
                }
                answers[fl[k].index] = a;
                done++;
                isolate -= isolate > 0;
                memmove(&fl[k], &fl[k + 1], (nfl - k - 1) * sizeof *fl);
                nfl--;
            }
            if (fail == NULL && s->rlen > s->opt.max_line) {
                snprintf(why, sizeof why, "sent more than %zu bytes without a newline",
                         s->opt.max_line);
                fail = why;
            }
            if (fail == NULL && r < 0) {
                char how[128] = "";
                stop_child(s, 0, how, sizeof how);
                snprintf(why, sizeof why, "the implementation %s",
                         how[0] ? how : "closed its output");
                fail = why;
            }
        }
        if (fail != NULL) {
            stop_child(s, 1, NULL, 0);
            size_t keep = 0; /* requests in flight that are sent again */
            if (nfl == 1 || (nfl > 0 && timed_out)) {
                answer_broken(&answers[fl[0].index], "%s", fail); /* it was this one */
                done++;
                isolate -= isolate > 0;
                keep = 1;
            } else if (nfl > 1) {
                isolate += nfl; /* not known which: send them again one at a time */
            }
            for (size_t i = nfl; i-- > keep;) {
                todo[--head] = fl[i].index;
            }
            nfl = 0;
            wpos = wlen = 0;
        }
    }
    free(wbuf);
    free(todo);
    free(fl);
}

static void exec_destroy(void *state) {
    exec_state *s = state;
    if (s == NULL) {
        return;
    }
    stop_child(s, 0, NULL, 0);
    for (size_t i = 0; s->argv && s->argv[i]; i++) {
        free(s->argv[i]);
    }
    free(s->argv);
    free(s->rbuf);
    free(s);
}

static int exec_setup(qc_impl *impl, char **argv, const qc_exec_options *o, char *err,
                      size_t errcap) {
    memset(impl, 0, sizeof *impl);
    exec_state *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    signal(SIGPIPE, SIG_IGN); /* a dead program's pipe gives EPIPE, not death */
    s->argv = argv;
    s->opt = *o;
    if (s->opt.window == 0) {
        s->opt.window = 1;
    }
    s->pid = -1;
    s->to_child = s->from_child = -1;
    s->next_id = 1;
    impl->state = s;
    impl->run = exec_run;
    impl->destroy = exec_destroy;
    if (start(s) != 0) {
        snprintf(err, errcap, "%s", s->last_start_error);
        exec_destroy(s);
        impl->state = NULL;
        return -1;
    }
    snprintf(impl->name, sizeof impl->name, "%s", s->hello.name);
    snprintf(impl->version, sizeof impl->version, "%s", s->hello.version);
    return 0;
}

static char **make_argv(const char *a, const char *b, const char *c, const char *d) {
    const char *in[] = {a, b, c, d};
    char **argv = calloc(5, sizeof *argv);
    for (int i = 0; argv != NULL && i < 4 && in[i] != NULL; i++) {
        argv[i] = strdup(in[i]);
        if (argv[i] == NULL) {
            for (int k = 0; k < i; k++) {
                free(argv[k]);
            }
            free(argv);
            return NULL;
        }
    }
    return argv;
}

int qc_impl_exec(qc_impl *impl, const char *command, const qc_exec_options *o, char *err,
                 size_t errcap) {
    char **argv = make_argv("/bin/sh", "-c", command, NULL);
    if (argv == NULL) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    return exec_setup(impl, argv, o, err, errcap);
}

int qc_impl_plugin(qc_impl *impl, const char *self, const char *plugin_path,
                   const qc_exec_options *o, char *err, size_t errcap) {
    char **argv = make_argv(self, "plugin-host", plugin_path, NULL);
    if (argv == NULL) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    return exec_setup(impl, argv, o, err, errcap);
}
