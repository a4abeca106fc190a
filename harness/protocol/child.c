/* The program under test as a child process (child.h). */
#define _GNU_SOURCE /* syscall() for pidfd_open, prctl */
#include "protocol/child.h"

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
#ifdef __linux__
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif

/* The process groups of the live children, for the signal handler and exit(): 0 marks a free
 * slot. More than a few children at once is not a case qshcheck has. */
enum { MAX_GROUPS = 8 };
static volatile sig_atomic_t live_groups[MAX_GROUPS];
static const int fatal_signals[] = {SIGINT, SIGTERM, SIGHUP};

static void kill_live_groups(void) {
    for (int i = 0; i < MAX_GROUPS; i++) {
        if (live_groups[i] > 0) {
            kill(-(pid_t)live_groups[i], SIGKILL);
        }
    }
}

/* Kills the children's groups, then dies of the signal as qshcheck would have without it. */
static void on_fatal_signal(int sig) {
    kill_live_groups();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_handlers(void) {
    static int installed;
    if (installed) {
        return;
    }
    installed = 1;
    atexit(kill_live_groups);
    for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++) {
        struct sigaction old, sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal_signal;
        sigemptyset(&sa.sa_mask);
        /* A signal ignored on purpose (nohup) stays ignored. */
        if (sigaction(fatal_signals[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN) {
            sigaction(fatal_signals[i], &sa, NULL);
        }
    }
}

static void fatal_mask(sigset_t *set) {
    sigemptyset(set);
    for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++) {
        sigaddset(set, fatal_signals[i]);
    }
}

static void register_group(pid_t pgid) {
    for (int i = 0; i < MAX_GROUPS; i++) {
        if (live_groups[i] == 0) {
            live_groups[i] = (sig_atomic_t)pgid;
            return;
        }
    }
}

static void unregister_group(pid_t pgid) {
    for (int i = 0; i < MAX_GROUPS; i++) {
        if (live_groups[i] == (sig_atomic_t)pgid) {
            live_groups[i] = 0;
        }
    }
}

static int open_pidfd(pid_t pid) {
#if defined(__linux__) && defined(SYS_pidfd_open)
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd >= 0) {
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    return fd;
#else
    (void)pid;
    return -1;
#endif
}

/* In the child, between fork and exec: its own group, its pipes, the signal mask restored. */
static void become_program(int in_fd, int out_fd, int quiet_stderr, const sigset_t *mask,
                           char *const *argv) {
    setpgid(0, 0); /* its own group, so that a kill reaches what it starts */
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* even if qshcheck itself is killed with SIGKILL */
#endif
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    if (in_fd > 1) {
        close(in_fd); /* else the program would hold its own pipe open: no end of file */
    }
    if (out_fd > 1) {
        close(out_fd);
    }
    if (quiet_stderr) {
        int dn = open("/dev/null", O_WRONLY);
        if (dn >= 0) {
            dup2(dn, 2);
        }
    }
    signal(SIGPIPE, SIG_DFL);
    sigprocmask(SIG_SETMASK, mask, NULL);
    execv(argv[0], argv);
    fprintf(stderr, "qshcheck: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

int qc_child_spawn(qc_child *c, char *const *argv, int quiet_stderr) {
    int in[2], out[2];
    c->pid = -1;
    c->pidfd = c->to_fd = c->from_fd = -1;
    c->exited = 0;
    c->status = 0;
    install_handlers();
    if (pipe(in) != 0) {
        return -1;
    }
    if (pipe(out) != 0) {
        int e = errno;
        close(in[0]);
        close(in[1]);
        errno = e;
        return -1;
    }
    /* No signal between fork and the group's registration: it would leave the child behind. */
    sigset_t block, old;
    fatal_mask(&block);
    sigprocmask(SIG_BLOCK, &block, &old);
    pid_t pid = fork();
    if (pid == 0) {
        close(in[1]);
        close(out[0]);
        become_program(in[0], out[1], quiet_stderr, &old, argv);
    }
    int e = errno;
    if (pid > 0) {
        setpgid(pid, pid);
        register_group(pid);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    close(in[0]);
    close(out[1]);
    if (pid < 0) {
        close(in[1]);
        close(out[0]);
        errno = e;
        return -1;
    }
    c->pid = pid;
    c->pidfd = open_pidfd(pid);
    c->to_fd = in[1];
    c->from_fd = out[0];
    fcntl(c->to_fd, F_SETFL, fcntl(c->to_fd, F_GETFL) | O_NONBLOCK);
    fcntl(c->from_fd, F_SETFL, fcntl(c->from_fd, F_GETFL) | O_NONBLOCK);
    fcntl(c->to_fd, F_SETFD, FD_CLOEXEC);
    fcntl(c->from_fd, F_SETFD, FD_CLOEXEC);
    return 0;
}

int qc_child_exited(qc_child *c) {
    if (c->pid <= 0) {
        return 1;
    }
    if (!c->exited) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        if (waitid(P_PID, (id_t)c->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
            si.si_pid == c->pid) {
            c->exited = 1;
            c->status = si.si_code == CLD_EXITED ? (si.si_status & 0xff) << 8 : si.si_status & 0x7f;
        }
    }
    return c->exited;
}

static void close_fd(int *fd) {
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

int qc_child_stop(qc_child *c, double grace) {
    close_fd(&c->to_fd);
    if (c->pid <= 0) {
        close_fd(&c->from_fd);
        close_fd(&c->pidfd);
        return -1;
    }
    /* A well-behaved program leaves on the end of its input: give it a moment. */
    for (int i = 0; i < (int)(grace * 100) && !qc_child_exited(c); i++) {
        struct timespec ten_ms = {0, 10000000};
        nanosleep(&ten_ms, NULL);
    }
    int by_itself = qc_child_exited(c);
    /* The leader is at most a zombie here, so the group id is still the program's: whatever it
     * left running in its group goes too. */
    kill(-c->pid, SIGKILL);
    kill(c->pid, SIGKILL);
    int status = 0;
    while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!by_itself) {
        c->status = status;
    }
    unregister_group(c->pid);
    close_fd(&c->from_fd);
    close_fd(&c->pidfd);
    c->pid = -1;
    c->exited = 0;
    return by_itself;
}

void qc_child_describe(int status, int shell, char *buf, size_t cap) {
    if (WIFEXITED(status) && shell && WEXITSTATUS(status) > 128 && WEXITSTATUS(status) < 128 + 65) {
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
