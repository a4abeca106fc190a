/* qshcheck-mock-bench: how fast `qshcheck mock-product` verifies signed calls. It starts the
 * server on a free loopback port, signs N distinct requests with libqsh beforehand, sends them
 * over C connections (kept alive, or one connection per request with --close), checks that
 * each is answered 200, and prints the verified requests per second and the latency
 * percentiles. A benchmark, not a test: the figures depend on the machine and its load. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "qsh/qsh.h"

static const char usage[] =
    "usage: qshcheck-mock-bench QSHCHECK [REQUESTS [CONNECTIONS [--close] [--ace ACE_APP_JS]]]\n"
    "Starts QSHCHECK mock-product on 127.0.0.1 (its log to /dev/null), sends REQUESTS\n"
    "(default 100000) signed requests over CONNECTIONS (default 64) connections, kept alive\n"
    "unless --close, and prints verified requests per second and latency percentiles.\n"
    "With --ace, the server is instead the atlassian-connect-express app ACE_APP_JS (the\n"
    "probe's harness/adapters/node/ace_app.js, run with node), verifying requests of the same\n"
    "shape with addon.authenticate() on its /module route.\n";

/* The ACE app to measure instead of the mock product, or NULL. */
static const char *ace_app;

static const char KEY[] = "com.example.bench", SECRET[] = "bench-secret";

typedef struct job {
    char **req;
    size_t *req_len;
    size_t first, count;
    int port, close_each;
    double *lat; /* seconds, one per request */
    size_t failed;
} job;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int connect_to(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    struct timeval tv = {30, 0};
    if (fd < 0 || setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
        connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

/* Reads one response; 1 when it is a 200, 0 otherwise, -1 when the connection failed. */
static int read_response(int fd, char *buf, size_t cap) {
    size_t n = 0;
    char *end = NULL;
    while (end == NULL) {
        ssize_t r = n < cap - 1 ? recv(fd, buf + n, cap - 1 - n, 0) : -1;
        if (r <= 0) {
            return -1;
        }
        n += (size_t)r;
        buf[n] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    const char *cl = strstr(buf, "Content-Length: ");
    size_t body = cl ? strtoul(cl + 16, NULL, 10) : 0;
    size_t have = n - (size_t)(end + 4 - buf);
    while (have < body) {
        ssize_t r = recv(fd, buf, cap - 1, 0);
        if (r <= 0) {
            return -1;
        }
        have += (size_t)r;
    }
    return strncmp(buf, "HTTP/1.1 200 ", 13) == 0;
}

static void *run_job(void *p) {
    job *j = p;
    char buf[16384];
    int fd = -1;
    for (size_t i = j->first; i < j->first + j->count; i++) {
        double t0 = now_s();
        if (fd < 0 && (fd = connect_to(j->port)) < 0) {
            j->failed++;
            continue;
        }
        int ok = send(fd, j->req[i], j->req_len[i], MSG_NOSIGNAL) == (ssize_t)j->req_len[i]
                     ? read_response(fd, buf, sizeof buf)
                     : -1;
        j->lat[i] = now_s() - t0;
        j->failed += ok != 1;
        if (ok < 0 || j->close_each) {
            close(fd);
            fd = -1;
        }
    }
    if (fd >= 0) {
        close(fd);
    }
    return NULL;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Starts the server; its pid, and its port read from "listening on http://127.0.0.1:PORT". */
static pid_t start_server(const char *qshcheck, int *port) {
    int pipefd[2];
    if (pipe(pipefd) != 0) {
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], STDOUT_FILENO);
        close(pipefd[0]);
        close(pipefd[1]);
        if (ace_app != NULL) {
            execlp("node", "node", ace_app, "--secret", SECRET, "--client-key", KEY, (char *)NULL);
            _exit(127);
        }
        execl(qshcheck, qshcheck, "mock-product", "--listen", "127.0.0.1:0", "--base-url",
              "http://127.0.0.1/jira", "--app-key", KEY, "--secret", SECRET, "--log", "/dev/null",
              "--max-connections", "1024", (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    char line[256];
    size_t n = 0;
    while (pid > 0 && n < sizeof line - 1) {
        ssize_t r = read(pipefd[0], line + n, 1);
        if (r <= 0 || line[n] == '\n') {
            break;
        }
        n++;
    }
    line[n] = '\0';
    close(pipefd[0]);
    const char *colon = ace_app != NULL ? line - 1 : strrchr(line, ':');
    *port = (ace_app != NULL || strncmp(line, "listening on http://", 20) == 0) && colon
                ? (int)strtol(colon + 1, NULL, 10)
                : -1;
    return pid;
}

static char *sign_request(qsh_ctx *ctx, size_t i, size_t *len) {
    char target[128];
    /* the ACE app serves /module at its root: the same query, no context path */
    snprintf(target, sizeof target,
             ace_app ? "/module?issue=BENCH-%zu&fields=summary,status"
                     : "/jira/rest/api/2/issue/BENCH-%zu?fields=summary,status",
             i);
    const char *base = ace_app ? "" : "http://127.0.0.1/jira";
    qsh_sign_params p;
    memset(&p, 0, sizeof p);
    p.iss = KEY;
    p.iss_len = strlen(KEY);
    p.iat = (int64_t)time(NULL) - 1;
    p.exp = p.iat + 3600;
    p.request = (qsh_request){"GET",
                              3,
                              target,
                              strlen(target),
                              base,
                              strlen(base),
                              ace_app ? QSH_PROFILE_PRODUCT : QSH_PROFILE_SERVER,
                              NULL,
                              0,
                              NULL,
                              0};
    p.secret = (const unsigned char *)SECRET;
    p.secret_len = strlen(SECRET);
    char token[2048];
    size_t tl;
    if (qsh_token_sign(ctx, &p, token, sizeof token, &tl) != QSH_OK) {
        return NULL;
    }
    char *req = malloc(4096);
    int n = req ? snprintf(req, 4096,
                           "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: JWT %s\r\n\r\n",
                           target, token)
                : -1;
    if (n <= 0 || n >= 4096) {
        free(req);
        return NULL;
    }
    *len = (size_t)n;
    return req;
}

int main(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    size_t total = argc > 2 ? strtoul(argv[2], NULL, 10) : 100000;
    size_t conns = argc > 3 ? strtoul(argv[3], NULL, 10) : 64;
    int close_each = 0;
    for (int a = 4; a < argc; a++) {
        if (strcmp(argv[a], "--close") == 0) {
            close_each = 1;
        } else if (strcmp(argv[a], "--ace") == 0 && a + 1 < argc) {
            ace_app = argv[++a];
        } else {
            fputs(usage, stderr);
            return 2;
        }
    }
    if (total == 0 || conns == 0 || conns > 1000 || total < conns) {
        fputs(usage, stderr);
        return 2;
    }
    char **req = calloc(total, sizeof *req);
    size_t *req_len = calloc(total, sizeof *req_len);
    double *lat = calloc(total, sizeof *lat);
    qsh_ctx *ctx = qsh_ctx_new();
    for (size_t i = 0; req && req_len && lat && ctx && i < total; i++) {
        if ((req[i] = sign_request(ctx, i, &req_len[i])) == NULL) {
            fputs("qshcheck-mock-bench: cannot sign the requests\n", stderr);
            return 3;
        }
    }
    qsh_ctx_free(ctx);
    if (req == NULL || req_len == NULL || lat == NULL) {
        fputs("qshcheck-mock-bench: out of memory\n", stderr);
        return 3;
    }
    int port;
    pid_t pid = start_server(argv[1], &port);
    if (pid < 0 || port <= 0) {
        fprintf(stderr, "qshcheck-mock-bench: %s mock-product did not start\n", argv[1]);
        if (pid > 0) {
            kill(pid, SIGTERM);
            waitpid(pid, NULL, 0);
        }
        return 3;
    }
    job *jobs = calloc(conns, sizeof *jobs);
    pthread_t *th = calloc(conns, sizeof *th);
    size_t per = total / conns, failed = 0;
    double t0 = now_s();
    for (size_t c = 0; jobs && th && c < conns; c++) {
        jobs[c] = (job){req,  req_len,    c * per, c + 1 == conns ? total - c * per : per,
                        port, close_each, lat,     0};
        pthread_create(&th[c], NULL, run_job, &jobs[c]);
    }
    for (size_t c = 0; jobs && th && c < conns; c++) {
        pthread_join(th[c], NULL);
        failed += jobs[c].failed;
    }
    double wall = now_s() - t0;
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    qsort(lat, total, sizeof *lat, cmp_double);
    printf("%s: %zu requests over %zu connections (%s): %zu not answered 200\n",
           ace_app ? "atlassian-connect-express" : "qshcheck mock-product", total, conns,
           close_each ? "a connection per request" : "kept alive", failed);
    printf("verified requests per second: %.0f\n", (double)(total - failed) / wall);
    printf("latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", lat[total / 2] * 1e3,
           lat[(size_t)((double)total * 0.99)] * 1e3, lat[total - 1] * 1e3);
    for (size_t i = 0; i < total; i++) {
        free(req[i]);
    }
    free(req);
    free(req_len);
    free(lat);
    free(jobs);
    free(th);
    return failed ? 1 : 0;
}
