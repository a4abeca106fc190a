/* An implementation that is a separate program speaking the line protocol.
 *
 * The program stays up across cases and files. Up to `window` requests are in flight at once;
 * reading and writing are multiplexed with poll(), so neither side can block the other. When
 * the program crashes, exits, hangs past the timeout, prints a line that is not an answer,
 * answers an id that was not asked, or floods output without a newline, the oldest request in
 * flight is the one it was working on: that case fails with the reason, the program is killed
 * (its whole process group) and restarted, and the other requests in flight are sent again. A
 * line that comes after the answers (a blank line, an answer sent twice, an id not yet asked)
 * fails the case whose answer it followed. After FAIL_STREAK cases in a row fail the same way,
 * the program is given up on and the rest fail with that reason. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "protocol/supervisor.h"
#include "protocol/child.h"
#include "protocol/messages.h"

enum { FAIL_STREAK = 5 };

/* What went wrong, for counting failures of one kind in a row and for the hint. */
typedef enum fail_kind {
    FK_NONE,
    FK_HANG,      /* no answer within the timeout */
    FK_EXIT,      /* the program exited or was killed (detail: how) */
    FK_CLOSED,    /* it closed its output and kept running */
    FK_MALFORMED, /* a line that is not an answer, or not one to its request's operation */
    FK_WRONG_ID,  /* an answer to an id that is not in flight */
    FK_FLOOD,     /* too much output without a newline */
    FK_STRAY,     /* a line after the answers, with nothing in flight: restart, blame done */
    FK_TIME_UP    /* the run's deadline came: not a failure */
} fail_kind;

/* A failure's reason becomes a case's status: sized alike, so that it is never cut there (the
 * reasons are made of bounded pieces, well below it). */
#define QC_WHY_SIZE sizeof(((qc_answer *)0)->status)

typedef struct exec_state {
    char **argv; /* what is exec'd: {"/bin/sh", "-c", command} or a plugin host */
    int shell;   /* argv is a shell that waits for its command: decode 128 + N statuses */
    qc_exec_options opt;
    qc_child child;
    char *rbuf; /* bytes read and not yet consumed as lines */
    size_t rlen, rcap, scanned;
    qc_hello hello;
    long long next_id;
    char last_start_error[256];
    size_t starts;   /* successful starts: the restarts are one fewer */
    double deadline; /* when the run's time is up (0: never) */
    fail_kind streak_kind;
    char streak_why[QC_WHY_SIZE]; /* the reason of the first of them */
    int streak;                   /* cases failed in a row with streak_kind */
    char gave_up[QC_WHY_SIZE];    /* non-empty once given up: why every later case fails */
} exec_state;

void qc_exec_options_default(qc_exec_options *o) {
    o->timeout = 10.0;
    o->max_line = 64u * 1024u * 1024u;
    o->window = 64;
    o->quiet_stderr = 0;
}

double qc_exec_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int running(const exec_state *s) {
    return s->child.pid > 0;
}

/* Ends the program and forgets what it wrote; 1 when it had exited by itself. */
static int stop(exec_state *s, double grace) {
    int r = qc_child_stop(&s->child, grace);
    s->rlen = 0;
    s->scanned = 0;
    return r == 1;
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
    ssize_t r = read(s->child.from_fd, s->rbuf + s->rlen, s->rcap - s->rlen);
    if (r > 0) {
        s->rlen += (size_t)r;
        return 1;
    }
    if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
        return 0;
    }
    return -1;
}

/* Reads until nothing more is available now (or the buffer is past the longest line). */
static int read_available(exec_state *s) {
    int r;
    while ((r = read_some(s)) > 0 && s->rlen < s->opt.max_line + 65536) {
    }
    return r;
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

static int is_blank_line(const char *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r') {
            return 0;
        }
    }
    return 1;
}

/* How the program ended, after stop() or a noticed exit: "exited with status 3". */
static void describe(const exec_state *s, char *buf, size_t cap) {
    qc_child_describe(s->child.status, s->shell, buf, cap);
}

/* Ends a program that closed its output or exited, and says which: a kill qshcheck sent itself
 * is not how the program ended. */
static fail_kind end_of_output(exec_state *s, char *why, size_t cap) {
    char how[160];
    if (stop(s, 1.0)) {
        describe(s, how, sizeof how);
        snprintf(why, cap, "the implementation %s", how);
        return FK_EXIT;
    }
    snprintf(why, cap,
             "the implementation closed its output (it was still running: qshcheck "
             "stopped it)");
    return FK_CLOSED;
}

static int write_all_until(exec_state *s, const char *p, size_t n, double deadline) {
    while (n > 0) {
        ssize_t w = write(s->child.to_fd, p, n);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EINTR) {
            return -1;
        }
        struct pollfd pfd = {s->child.to_fd, POLLOUT, 0};
        double left = deadline - qc_exec_now();
        if (left <= 0 || poll(&pfd, 1, (int)(left * 1000) + 1) < 0) {
            return -1;
        }
    }
    return 0;
}

/* Waits until the program's output is readable, it exits, or until (capped when exits cannot
 * be polled for). The poll's result, with pfd[0..2) filled: its output, its pidfd. */
static int wait_readable(exec_state *s, struct pollfd *pfd, short out_events, double until) {
    pfd[0] = (struct pollfd){s->child.from_fd, POLLIN, 0};
    pfd[1] = (struct pollfd){s->child.to_fd, out_events, 0};
    pfd[2] = (struct pollfd){s->child.pidfd, POLLIN, 0};
    double left = until - qc_exec_now();
    if (left <= 0) {
        return 0;
    }
    int ms = (int)(left * 1000) + 1;
    if (s->child.pidfd < 0 && ms > 100) {
        ms = 100; /* no pidfd: look at the program's exit now and then */
    }
    int pr = poll(pfd, 3, ms);
    if (pr < 0) {
        pfd[0].revents = pfd[1].revents = pfd[2].revents = 0;
    }
    return pr;
}

static int has_exited(exec_state *s, const struct pollfd *pfd) {
    return (pfd[2].revents & POLLIN) || (s->child.pidfd < 0 && qc_child_exited(&s->child));
}

/* The hello exchange, until its line or the deadline. 0, or -1 with last_start_error set. */
static int await_hello(exec_state *s, double deadline) {
    char *err = s->last_start_error, how[160];
    size_t cap = sizeof s->last_start_error;
    for (;;) {
        size_t n;
        char *line = peek_line(s, &n);
        if (line != NULL) {
            int rc = qc_proto_parse_hello(line, n, &s->hello, err, cap);
            take_line(s, n);
            return rc;
        }
        if (s->rlen > 1024 * 1024) {
            snprintf(err, cap, "its hello is over 1 MiB without a newline");
            return -1;
        }
        struct pollfd pfd[3];
        if (wait_readable(s, pfd, 0, deadline) == 0 && qc_exec_now() >= deadline) {
            snprintf(err, cap, "no hello within %.0f s", s->opt.timeout > 30 ? s->opt.timeout : 30);
            return -1;
        }
        int exited = has_exited(s, pfd);
        if ((pfd[0].revents || exited) && read_available(s) < 0) {
            exited = 1;
        }
        if (exited && peek_line(s, &n) == NULL) {
            if (stop(s, 1.0)) {
                describe(s, how, sizeof how);
                snprintf(err, cap, "it %s before its hello", how);
            } else {
                snprintf(err, cap, "it closed its output before its hello");
            }
            return -1;
        }
    }
}

/* Starts the program and exchanges hellos. 0, or -1 with last_start_error set. */
static int start(exec_state *s) {
    if (qc_child_spawn(&s->child, s->argv, s->opt.quiet_stderr) != 0) {
        snprintf(s->last_start_error, sizeof s->last_start_error, "cannot start: %s",
                 strerror(errno));
        return -1;
    }
    s->rlen = s->scanned = 0;
    double deadline = qc_exec_now() + (s->opt.timeout > 30 ? s->opt.timeout : 30);
    const char *hello = qc_proto_hello_line();
    if (write_all_until(s, hello, strlen(hello), deadline) != 0) {
        char how[160] = "stopped reading";
        if (stop(s, 0.2)) {
            describe(s, how, sizeof how);
        }
        snprintf(s->last_start_error, sizeof s->last_start_error,
                 "it did not read the hello (it %s)", how);
        return -1;
    }
    if (await_hello(s, deadline) != 0) {
        stop(s, 0);
        return -1;
    }
    s->starts++;
    return 0;
}

/* ---- One call of run: the cases, what is in flight, what is still to send. ---- */

typedef struct flight {
    size_t index; /* the case */
    long long id;
    unsigned op;
    double since; /* when the program could start on it: sent, and the answers before it came */
} flight;

typedef struct batch {
    const qc_case *cases;
    qc_answer *answers;
    size_t n, done;
    size_t *todo; /* cases still to send, in order, from head */
    size_t ntodo, head;
    flight *fl; /* in flight, oldest first */
    size_t nfl;
    size_t isolate; /* cases still to send one at a time, after an unattributed failure */
    char *wbuf;     /* request bytes still to write, from wpos */
    size_t wlen, wcap, wpos;
    long long first_id; /* ids from first_id to next_id were asked in this call */
    size_t *owner;      /* owner[id - first_id]: the case of that id */
    size_t owner_cap;
    size_t last_answered; /* the case answered last, when any_answered */
    int any_answered;
} batch;

static void answer_broken(qc_answer *a, const char *fmt, const char *detail) {
    memset(a, 0, sizeof *a);
    a->outcome = QC_OUT_BROKEN;
    snprintf(a->status, sizeof a->status, fmt, detail);
}

static void answer_not_run(qc_answer *a) {
    memset(a, 0, sizeof *a);
    a->outcome = QC_OUT_SKIPPED;
    snprintf(a->status, sizeof a->status, "%s", QC_EXEC_NOT_RUN);
}

static int batch_init(exec_state *s, batch *b, const qc_case *cases, size_t n, qc_answer *answers) {
    memset(b, 0, sizeof *b);
    b->cases = cases;
    b->answers = answers;
    b->n = n;
    b->todo = malloc((n ? n : 1) * sizeof *b->todo);
    b->fl = malloc(s->opt.window * sizeof *b->fl);
    b->owner_cap = n + s->opt.window + 16;
    b->owner = malloc(b->owner_cap * sizeof *b->owner);
    b->first_id = s->next_id;
    for (size_t i = 0; b->todo != NULL && i < n; i++) {
        b->todo[b->ntodo++] = i;
    }
    return b->todo != NULL && b->fl != NULL && b->owner != NULL ? 0 : -1;
}

static void batch_free(batch *b) {
    free(b->todo);
    free(b->fl);
    free(b->owner);
    free(b->wbuf);
}

/* Every case not yet answered, with one reason (or as not run, when reason is NULL). */
static void fail_rest(batch *b, const char *reason) {
    for (size_t i = 0; i < b->nfl; i++) {
        b->todo[--b->head] = b->fl[i].index;
    }
    b->nfl = 0;
    for (size_t i = b->head; i < b->ntodo; i++) {
        if (reason != NULL) {
            answer_broken(&b->answers[b->todo[i]], "%s", reason);
        } else {
            answer_not_run(&b->answers[b->todo[i]]);
        }
        b->done++;
    }
    b->head = b->ntodo;
}

/* A case already answered fails after all: a line after its answer breaks the protocol. */
static void blame_answered(batch *b, size_t idx, const char *fmt, const char *detail) {
    if (b->answers[idx].outcome != QC_OUT_BROKEN) {
        qc_answer_clear(&b->answers[idx]);
        answer_broken(&b->answers[idx], fmt, detail);
    }
}

static const char *hint_for(fail_kind k) {
    switch (k) {
    case FK_HANG:
        return "does it flush after each answer?";
    case FK_CLOSED:
    case FK_EXIT:
        return "does it stay up, answering line by line until its input ends, and flush after "
               "each answer?";
    case FK_MALFORMED:
        return "does it write one JSON answer per line, and nothing else, on stdout?";
    case FK_WRONG_ID:
        return "does it answer with the id of the request?";
    case FK_FLOOD:
        return "does it end each answer with a newline?";
    default:
        return "see harness/protocol/PROTOCOL.md";
    }
}

/* Counts a failed case; the FAIL_STREAKth in a row of one kind gives up on the program. */
static void note_failure(exec_state *s, fail_kind k, const char *why) {
    /* Exits of one kind say the same ("was killed by signal 11"); other reasons name ids. */
    if (k == s->streak_kind && (k != FK_EXIT || strcmp(why, s->streak_why) == 0)) {
        s->streak++;
    } else {
        s->streak_kind = k;
        s->streak = 1;
        snprintf(s->streak_why, sizeof s->streak_why, "%s", why);
    }
    if (s->streak >= FAIL_STREAK && s->gave_up[0] == '\0') {
        snprintf(s->gave_up, sizeof s->gave_up,
                 "not sent: qshcheck gave up on the implementation after %d cases in a row "
                 "failed so (%s); %s",
                 FAIL_STREAK, why, hint_for(k));
    }
}

static void note_answered(exec_state *s) {
    s->streak = 0;
    s->streak_kind = FK_NONE;
}

static int owner_set(batch *b, long long id, size_t idx) {
    size_t k = (size_t)(id - b->first_id);
    if (k >= b->owner_cap) {
        size_t cap = b->owner_cap * 2 > k + 1 ? b->owner_cap * 2 : k + 1;
        size_t *grown = realloc(b->owner, cap * sizeof *grown);
        if (grown == NULL) {
            return -1;
        }
        b->owner = grown;
        b->owner_cap = cap;
    }
    b->owner[k] = idx;
    return 0;
}

/* Queues one request; 0, or -1 with the case answered (skipped, or out of memory). */
static int queue_request(exec_state *s, batch *b, size_t idx) {
    unsigned op = qc_proto_pick_op(&s->hello, &b->cases[idx]);
    if (op == 0) {
        memset(&b->answers[idx], 0, sizeof b->answers[idx]);
        b->answers[idx].outcome = QC_OUT_SKIPPED;
        snprintf(b->answers[idx].status, sizeof b->answers[idx].status,
                 "the implementation offers no operation for this case's profile");
        return -1;
    }
    size_t len;
    char *line = qc_proto_request(s->next_id, op, &b->cases[idx], &len);
    if (line != NULL && b->wcap - b->wlen < len) {
        char *grown = realloc(b->wbuf, b->wlen + len + 65536);
        if (grown == NULL) {
            free(line);
            line = NULL;
        } else {
            b->wbuf = grown;
            b->wcap = b->wlen + len + 65536;
        }
    }
    if (line == NULL || owner_set(b, s->next_id, idx) != 0) {
        free(line);
        answer_broken(&b->answers[idx], "%s", "out of memory");
        return -1;
    }
    memcpy(b->wbuf + b->wlen, line, len);
    b->wlen += len;
    free(line);
    b->fl[b->nfl++] = (flight){idx, s->next_id++, op, qc_exec_now()};
    return 0;
}

/* Fills the window; after an unattributed failure, one request at a time. */
static void fill_window(exec_state *s, batch *b) {
    size_t window = b->isolate > 0 ? 1 : s->opt.window;
    while (b->nfl < window && b->head < b->ntodo) {
        if (queue_request(s, b, b->todo[b->head++]) != 0) {
            b->done++;
        }
    }
}

/* Takes the answer of in-flight request k. */
static void take_answer(exec_state *s, batch *b, size_t k, const qc_answer *a) {
    size_t idx = b->fl[k].index;
    b->answers[idx] = *a;
    b->done++;
    b->isolate -= b->isolate > 0;
    b->last_answered = idx;
    b->any_answered = 1;
    memmove(&b->fl[k], &b->fl[k + 1], (b->nfl - k - 1) * sizeof *b->fl);
    b->nfl--;
    if (k == 0 && b->nfl > 0) { /* the next one's clock starts now: the program can start on it */
        double t = qc_exec_now();
        b->fl[0].since = b->fl[0].since > t ? b->fl[0].since : t;
    }
    if (a->outcome != QC_OUT_BROKEN) {
        note_answered(s);
    }
}

/* A line that no request in flight can be blamed for: the case answered before it is, or
 * (before any answer in this call) nobody but the terminal. */
static fail_kind stray_line(batch *b, const char *what) {
    if (b->any_answered) {
        blame_answered(b, b->last_answered, "after its answer, the implementation %s", what);
    } else {
        fprintf(stderr, "qshcheck: the implementation %s, with no request in flight\n", what);
    }
    return FK_STRAY;
}

/* Consumes the complete lines read. FK_NONE, or what went wrong with why set. */
static fail_kind take_lines(exec_state *s, batch *b, char *why, size_t cap) {
    size_t len;
    char *line, err[200], what[300];
    while ((line = peek_line(s, &len)) != NULL) {
        long long id = 0;
        qc_answer a;
        if (is_blank_line(line, len)) {
            take_line(s, len);
            if (b->any_answered) { /* in sync still: no restart */
                blame_answered(b, b->last_answered, "after its answer, the implementation %s",
                               "wrote a blank line");
                continue;
            }
            snprintf(why, cap, "malformed answer: a blank line");
            return b->nfl > 0 ? FK_MALFORMED : stray_line(b, "wrote a blank line");
        }
        if (qc_proto_parse_broken(line, len, &id, what, sizeof what)) {
            memset(&a, 0, sizeof a); /* an answer that fails its case, as the program says */
            a.outcome = QC_OUT_BROKEN;
            snprintf(a.status, sizeof a.status, "%s", what);
        } else if (qc_proto_parse_answer(line, len, &id, &a, err, sizeof err) != 0) {
            snprintf(why, cap, "malformed answer: %s", err);
            if (b->nfl > 0) {
                return FK_MALFORMED;
            }
            snprintf(what, sizeof what, "wrote a line that is not an answer (%s)", err);
            return stray_line(b, what);
        }
        take_line(s, len);
        size_t k = 0;
        while (k < b->nfl && b->fl[k].id != id) {
            k++;
        }
        if (k == b->nfl) {
            qc_answer_clear(&a);
            if (id >= b->first_id && id < s->next_id) { /* answered already: sent twice */
                snprintf(what, sizeof what, "answered id %lld twice", id);
                blame_answered(b, b->owner[id - b->first_id], "%s", what);
                continue;
            }
            snprintf(why, cap, "answered id %lld, which is not a request in flight", id);
            if (b->nfl > 0) {
                return FK_WRONG_ID;
            }
            snprintf(what, sizeof what, "answered id %lld, which was not asked", id);
            return stray_line(b, what);
        }
        if (qc_proto_answer_fits(&a, b->fl[k].op, id, err, sizeof err) != 0) {
            qc_answer_clear(&a); /* its own case fails; the stream is still in sync */
            snprintf(why, cap, "malformed answer: %s", err);
            answer_broken(&a, "%s", why);
            note_failure(s, FK_MALFORMED, why);
        }
        take_answer(s, b, k, &a);
    }
    return FK_NONE;
}

/* Waits for the program once, until the oldest request's deadline (or the run's), and takes
 * what it wrote. FK_NONE, or what went wrong with why set. */
static fail_kind wait_program(exec_state *s, batch *b, char *why, size_t cap) {
    double until = b->fl[0].since + s->opt.timeout;
    if (s->deadline > 0 && s->deadline < until) {
        until = s->deadline;
    }
    struct pollfd pfd[3];
    int pr = wait_readable(s, pfd, b->wpos < b->wlen ? POLLOUT : 0, until);
    int eof = 0, exited = has_exited(s, pfd);
    if (pfd[1].revents & (POLLOUT | POLLERR | POLLHUP)) {
        ssize_t w = write(s->child.to_fd, b->wbuf + b->wpos, b->wlen - b->wpos);
        if (w > 0) {
            b->wpos += (size_t)w;
            if (b->wpos == b->wlen) {
                b->wpos = b->wlen = 0;
            }
        } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
            exited = 1; /* it closed its input: find out how it ended */
        }
    }
    if (pr > 0 && (pfd[0].revents || exited)) {
        eof = read_available(s) < 0;
    }
    fail_kind k = take_lines(s, b, why, cap);
    if (k != FK_NONE) {
        return k;
    }
    if (s->rlen > s->opt.max_line) {
        snprintf(why, cap, "sent more than %zu bytes without a newline", s->opt.max_line);
        return FK_FLOOD;
    }
    if (eof || exited) {
        if (b->nfl == 0) {
            return FK_NONE; /* it answered everything, then left: restarted if needed */
        }
        return end_of_output(s, why, cap);
    }
    double t = qc_exec_now();
    if (b->nfl > 0 && t >= b->fl[0].since + s->opt.timeout) {
        snprintf(why, cap, "no answer within %.1f s: the implementation hangs", s->opt.timeout);
        return FK_HANG;
    }
    return s->deadline > 0 && t >= s->deadline ? FK_TIME_UP : FK_NONE;
}

/* After a failure: the program goes; the request it was on fails, the others are sent again. */
static void on_failure(exec_state *s, batch *b, fail_kind k, const char *why) {
    stop(s, 0);
    size_t keep = 0;
    if (k == FK_TIME_UP) {
        fail_rest(b, NULL);
        return;
    }
    if (b->nfl == 1 || (b->nfl > 0 && k == FK_HANG)) {
        answer_broken(&b->answers[b->fl[0].index], "%s", why); /* it was this one */
        b->done++;
        b->isolate -= b->isolate > 0;
        keep = 1;
        note_failure(s, k, why);
    } else if (b->nfl > 1) {
        b->isolate += b->nfl; /* not known which: send them again one at a time */
    }
    for (size_t i = b->nfl; i-- > keep;) {
        b->todo[--b->head] = b->fl[i].index;
    }
    b->nfl = 0;
    b->wpos = b->wlen = 0;
}

/* Lines already waiting when nothing is in flight break the protocol: they are reported, and
 * the program restarted, before anything is sent. */
static void take_stray_output(exec_state *s, batch *b) {
    struct pollfd pfd = {s->child.from_fd, POLLIN, 0};
    if (!running(s) || poll(&pfd, 1, 0) <= 0) {
        return;
    }
    char why[QC_WHY_SIZE];
    int eof = read_available(s) < 0;
    if (take_lines(s, b, why, sizeof why) != FK_NONE || eof) {
        stop(s, 0);
    }
}

/* Makes sure the program is up: 0, or -1 with the rest failed. */
static int ensure_running(exec_state *s, batch *b) {
    if (running(s) && b->nfl == 0) {
        take_stray_output(s, b);
        if (running(s) && qc_child_exited(&s->child)) {
            stop(s, 0); /* it left between batches: start it afresh, blaming no case */
        }
    }
    if (running(s)) {
        return 0;
    }
    if (start(s) == 0) {
        return 0;
    }
    char reason[400];
    snprintf(reason, sizeof reason, "the implementation cannot be (re)started: %s",
             s->last_start_error);
    fail_rest(b, reason);
    return -1;
}

static void exec_run(void *state, const qc_case *cases, size_t n, qc_answer *answers) {
    exec_state *s = state;
    batch b;
    char why[QC_WHY_SIZE];
    if (batch_init(s, &b, cases, n, answers) != 0) {
        b.head = b.ntodo = 0;
        for (size_t i = 0; i < n; i++) {
            answer_broken(&answers[i], "%s", "out of memory");
        }
        batch_free(&b);
        return;
    }
    while (b.done < n) {
        if (s->gave_up[0] != '\0' || (s->deadline > 0 && qc_exec_now() >= s->deadline)) {
            stop(s, 0);
            fail_rest(&b, s->gave_up[0] != '\0' ? s->gave_up : NULL);
            break;
        }
        if (ensure_running(s, &b) != 0) {
            break;
        }
        fill_window(s, &b);
        if (b.nfl == 0) {
            continue;
        }
        fail_kind k = wait_program(s, &b, why, sizeof why);
        if (k != FK_NONE) {
            on_failure(s, &b, k, why);
        }
    }
    take_stray_output(s, &b); /* what came after the last answer is this call's to report */
    batch_free(&b);
}

static void exec_destroy(void *state) {
    exec_state *s = state;
    if (s == NULL) {
        return;
    }
    stop(s, 1.0);
    for (size_t i = 0; s->argv && s->argv[i]; i++) {
        free(s->argv[i]);
    }
    free(s->argv);
    free(s->rbuf);
    free(s);
}

static int exec_setup(qc_impl *impl, char **argv, int shell, const qc_exec_options *o, char *err,
                      size_t errcap) {
    memset(impl, 0, sizeof *impl);
    exec_state *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    signal(SIGPIPE, SIG_IGN); /* a dead program's pipe gives EPIPE, not death */
    s->argv = argv;
    s->shell = shell;
    s->opt = *o;
    if (s->opt.window == 0) {
        s->opt.window = 1;
    }
    s->child.pid = -1;
    s->child.pidfd = s->child.to_fd = s->child.from_fd = -1;
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

int qc_impl_exec(qc_impl *impl, const char *command, const qc_exec_options *o, char *err,
                 size_t errcap) {
    int execd = 0;
    char **argv = qc_shell_argv(command, &execd);
    if (argv == NULL) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    return exec_setup(impl, argv, !execd, o, err, errcap);
}

int qc_impl_plugin(qc_impl *impl, const char *self, const char *plugin_path,
                   const qc_exec_options *o, char *err, size_t errcap) {
    const char *in[] = {self, "plugin-host", plugin_path};
    char **argv = calloc(4, sizeof *argv);
    for (int i = 0; argv != NULL && i < 3; i++) {
        argv[i] = strdup(in[i]);
        if (argv[i] == NULL) {
            for (int k = 0; k < i; k++) {
                free(argv[k]);
            }
            free(argv);
            argv = NULL;
        }
    }
    if (argv == NULL) {
        snprintf(err, errcap, "out of memory");
        return -1;
    }
    return exec_setup(impl, argv, 0, o, err, errcap);
}

static exec_state *exec_state_of(const qc_impl *impl) {
    return impl->run == exec_run ? impl->state : NULL;
}

size_t qc_exec_restarts(const qc_impl *impl) {
    exec_state *s = exec_state_of(impl);
    return s != NULL && s->starts > 0 ? s->starts - 1 : 0;
}

void qc_exec_set_deadline(qc_impl *impl, double deadline) {
    exec_state *s = exec_state_of(impl);
    if (s != NULL) {
        s->deadline = deadline;
    }
}
