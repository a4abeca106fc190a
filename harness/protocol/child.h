/* The program under test as a child process: started in a process group of its own, with pipes
 * to its stdin and stdout, watched for its exit even while something it started keeps the pipe
 * open, and ended with everything it started. While any child is alive, SIGINT, SIGTERM and
 * SIGHUP to qshcheck kill the children's groups before qshcheck dies of the signal, and so does
 * exit(). */
#ifndef QC_CHILD_H
#define QC_CHILD_H

#include <stddef.h>
#include <sys/types.h>

typedef struct qc_child {
    pid_t pid;   /* the group's leader; -1 when there is none */
    int pidfd;   /* readable once the leader has exited; -1 when the kernel offers none */
    int to_fd;   /* its stdin (non-blocking); -1 once closed */
    int from_fd; /* its stdout (non-blocking); -1 once closed */
    int exited;  /* the leader has exited: status holds how (it stays a zombie until stopped) */
    int status;
} qc_child;

/* Starts argv[0] with argv. 0, or -1 with errno set. */
int qc_child_spawn(qc_child *c, char *const *argv, int quiet_stderr);

/* Whether the leader has exited, without reaping it (so that its group id stays its own until
 * qc_child_stop has killed the group). */
int qc_child_exited(qc_child *c);

/* Ends the child: closes its stdin, gives the leader up to grace seconds to exit by itself,
 * kills the whole group, reaps the leader and closes the pipes. Returns 1 when the leader had
 * exited by itself (c->status says how), 0 when qshcheck killed it, -1 when there was none. */
int qc_child_stop(qc_child *c, double grace);

/* How an exited leader ended ("exited with status 3", "was killed by signal 11 (...)"). shell:
 * the leader was a shell running a compound command, which reports a command killed by signal
 * N as status 128 + N: such a status is decoded. */
void qc_child_describe(int status, int shell, char *buf, size_t cap);

/* The argv that runs command through sh -c, exec'd when it is one simple command so that its
 * own exit status and signal are seen: {"/bin/sh", "-c", "exec " command}. *execd says whether
 * it was. A NULL-terminated malloc'd array of malloc'd strings, or NULL when out of memory. */
char **qc_shell_argv(const char *command, int *execd);

/* Whether command is one simple command that `exec` can prefix: no operator (; & | && || ( )
 * or a newline) outside quotes, no leading assignment or reserved word, not already exec. */
int qc_shell_is_simple(const char *command);

#endif
