/* qshcheck-mock-bench: how fast `qshcheck mock-product` verifies signed calls. It starts the
 * server on a free loopback port, signs N distinct requests with libqsh beforehand, sends them
 * over C connections (kept alive, or one connection per request with --close), checks that
 * each is answered 200 (the client is one epoll loop, so that it takes little of the cores it
 * shares with the server), and prints the verified requests per second and the latency
 * percentiles. A benchmark, not a test: the figures depend on the machine and its load. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
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

/* One client connection: it sends its share of the requests one after another, each when the
 * answer to the one before has come. */
typedef struct conn {
    int fd;
    size_t next, end; /* the request in flight and the end of this connection's share */
    size_t sent;      /* bytes of the request in flight sent so far */
    size_t have;      /* bytes of its answer read so far */
    double t0;        /* when it was sent */
    char buf[16384];
} conn;

typedef struct client {
    char **req;
    size_t *req_len;
    int port, close_each, ep;
    double *lat; /* seconds, one per request */
    size_t failed, done;
} client;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A non-blocking connection to the server, registered with the client's epoll; -1 on failure. */
static int connect_to(const client *cl, conn *k) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)cl->port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = k};
    if (fd < 0 || setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0 ||
        connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        fcntl(fd, F_SETFL, O_NONBLOCK) != 0 || epoll_ctl(cl->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    k->fd = fd;
    return 0;
}

static void disconnect(conn *k) {
    close(k->fd); /* also takes it out of the epoll set */
    k->fd = -1;
}

/* Sends what is left of the request in flight; waits for writability when the socket is full.
 * -1 when the connection failed. */
static int send_rest(const client *cl, conn *k) {
    size_t n = cl->req_len[k->next];
    while (k->sent < n) {
        ssize_t w = send(k->fd, cl->req[k->next] + k->sent, n - k->sent, MSG_NOSIGNAL);
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = k};
            return epoll_ctl(cl->ep, EPOLL_CTL_MOD, k->fd, &ev);
        }
        if (w <= 0) {
            return -1;
        }
        k->sent += (size_t)w;
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = k};
    return epoll_ctl(cl->ep, EPOLL_CTL_MOD, k->fd, &ev);
}

/* Starts the connection's next request, connecting first if need be; when its share is done
 * or the connection cannot be made, the rest of its share counts as failed. */
static void start_next(client *cl, conn *k) {
    while (k->next < k->end) {
        k->sent = k->have = 0;
        k->t0 = now_s();
        if ((k->fd >= 0 || connect_to(cl, k) == 0) && send_rest(cl, k) == 0) {
            return;
        }
        if (k->fd >= 0) {
            disconnect(k);
        }
        cl->lat[k->next++] = now_s() - k->t0;
        cl->failed++;
        cl->done++;
    }
    if (k->fd >= 0) {
        disconnect(k);
    }
}

/* The length of a complete answer in buf (head and Content-Length body), 0 while incomplete. */
static size_t answer_length(const char *buf, size_t n) {
    const char *end = strstr(buf, "\r\n\r\n");
    if (end == NULL) {
        return 0;
    }
    const char *cl = strstr(buf, "Content-Length: ");
    size_t whole = (size_t)(end + 4 - buf) + (cl && cl < end ? strtoul(cl + 16, NULL, 10) : 0);
    return whole <= n ? whole : 0;
}

/* Records the end of the request in flight (answered 200 or not) and starts the next. */
static void finish(client *cl, conn *k, int ok, int keep) {
    cl->lat[k->next++] = now_s() - k->t0;
    cl->failed += !ok;
    cl->done++;
    if (!keep || cl->close_each) {
        disconnect(k);
    }
    start_next(cl, k);
}

/* Whether the answer's head (up to its blank line) says the server closes the connection. */
static int says_close(const char *buf) {
    const char *end = strstr(buf, "\r\n\r\n");
    for (const char *p = strstr(buf, "\r\n"); p != NULL && p < end; p = strstr(p + 2, "\r\n")) {
        if (strncasecmp(p + 2, "connection:", 11) == 0) {
            const char *v = p + 13;
            while (*v == ' ' || *v == '\t') {
                v++;
            }
            return strncasecmp(v, "close", 5) == 0;
        }
    }
    return 0;
}

/* Reads from a connection whose answer is due, until the answer is whole. */
static void on_readable(client *cl, conn *k) {
    ssize_t r = recv(k->fd, k->buf + k->have, sizeof k->buf - 1 - k->have, 0);
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return;
    }
    if (r <= 0) {
        finish(cl, k, 0, 0);
        return;
    }
    k->have += (size_t)r;
    k->buf[k->have] = '\0';
    size_t whole = answer_length(k->buf, k->have);
    if (whole > 0) {
        finish(cl, k, strncmp(k->buf, "HTTP/1.1 200 ", 13) == 0, !says_close(k->buf));
    } else if (k->have == sizeof k->buf - 1) {
        finish(cl, k, 0, 0); /* an answer too long for a benchmark's */
    }
}

/* Runs every connection's share from one thread (an epoll loop: the client shares the cores
 * with the server, so it must cost little); 30 s in which no connection hears anything fail
 * every request still unanswered. */
static void run_clients(client *cl, conn *ks, size_t conns, size_t total) {
    size_t per = total / conns;
    for (size_t c = 0; c < conns; c++) {
        ks[c].fd = -1;
        ks[c].next = c * per;
        ks[c].end = c + 1 == conns ? total : (c + 1) * per;
        start_next(cl, &ks[c]);
    }
    struct epoll_event evs[64];
    while (cl->done < total) {
        int n = epoll_wait(cl->ep, evs, 64, 30000);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        for (int i = 0; i < n; i++) {
            conn *k = evs[i].data.ptr;
            if (evs[i].events & EPOLLOUT) {
                if (send_rest(cl, k) != 0) {
                    finish(cl, k, 0, 0);
                }
            } else {
                on_readable(cl, k);
            }
        }
    }
    cl->failed += total - cl->done; /* 30 s without any answer */
    for (size_t c = 0; c < conns; c++) {
        if (ks[c].fd >= 0) {
            disconnect(&ks[c]);
        }
    }
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
    struct pollfd pf = {.fd = pipefd[0], .events = POLLIN};
    while (pid > 0 && n < sizeof line - 1 && poll(&pf, 1, 30000) == 1) {
        ssize_t r = read(pipefd[0], line + n, 1);
        if (r <= 0 || line[n] == '\n') {
            break;
        }
        n++;
    }
    line[n] = '\0';
    close(pipefd[0]);
    /* The ACE app prints its port alone; the mock product "listening on http://ADDR:PORT". */
    const char *colon = strrchr(line, ':');
    *port = ace_app != NULL ? (int)strtol(line, NULL, 10)
            : strncmp(line, "listening on http://", 20) == 0 && colon
                ? (int)strtol(colon + 1, NULL, 10)
                : -1;
    return pid;
}

/* Stops the server: SIGTERM, then SIGKILL when it has not exited within 10 s. */
static void stop_server(pid_t pid) {
    kill(pid, SIGTERM);
    for (int i = 0; i < 1000; i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid) {
            return;
        }
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
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
            stop_server(pid);
        }
        return 3;
    }
    conn *ks = calloc(conns, sizeof *ks);
    client cl = {req, req_len, port, close_each, epoll_create1(0), lat, 0, 0};
    double t0 = now_s();
    if (ks != NULL && cl.ep >= 0) {
        run_clients(&cl, ks, conns, total);
    } else {
        cl.failed = total;
    }
    size_t failed = cl.failed;
    double wall = now_s() - t0;
    stop_server(pid);
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
    free(ks);
    if (cl.ep >= 0) {
        close(cl.ep);
    }
    return failed ? 1 : 0;
}
