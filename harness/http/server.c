/* The mock product's HTTP/1.1 server (server.h). libmicrohttpd parses HTTP; this file only
 * moves what it parsed into a qc_http_call and the verdict into a response. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/calls.h"
#include "http/textbuf.h"

enum { MAX_HEADERS = 128 };

typedef struct server {
    const qc_server_options *o;
    qc_calls calls;
} server;

/* One request: its raw target (copied from the URI log callback, before libmicrohttpd splits
 * and decodes it) and its body. */
typedef struct request {
    char *target;
    size_t target_len;
    int started;
    int too_big;
    textbuf body;
} request;

static pthread_key_t ctx_key;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;

static void ctx_destroy(void *p) {
    qsh_ctx_free(p);
}

static void ctx_key_make(void) {
    (void)pthread_key_create(&ctx_key, ctx_destroy);
}

/* The scratch space of this polling thread, made on its first request. */
static qsh_ctx *thread_ctx(void) {
    pthread_once(&ctx_once, ctx_key_make);
    qsh_ctx *ctx = pthread_getspecific(ctx_key);
    if (ctx == NULL && (ctx = qsh_ctx_new()) != NULL) {
        (void)pthread_setspecific(ctx_key, ctx);
    }
    return ctx;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c) {
    (void)cls;
    (void)c;
    request *r = calloc(1, sizeof *r);
    if (r != NULL) {
        r->target_len = strlen(uri);
        r->target = malloc(r->target_len + 1);
        if (r->target == NULL) {
            free(r);
            return NULL;
        }
        memcpy(r->target, uri, r->target_len + 1);
    }
    return r;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode why) {
    (void)cls;
    (void)c;
    (void)why;
    request *r = *req_cls;
    if (r != NULL) {
        free(r->target);
        free(r->body.s);
        free(r);
        *req_cls = NULL;
    }
}

typedef struct header_list {
    qc_http_header h[MAX_HEADERS];
    size_t n;
    int overflow;
} header_list;

static enum MHD_Result take_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size) {
    header_list *l = cls;
    (void)kind;
    if (l->n == MAX_HEADERS) {
        l->overflow = 1;
        return MHD_NO;
    }
    l->h[l->n].name = key;
    l->h[l->n].name_len = key_size;
    l->h[l->n].value = value ? value : "";
    l->h[l->n].value_len = value ? value_size : 0;
    l->n++;
    return MHD_YES;
}

/* Queues a response that takes over body (malloc'd), with the headers given in pairs. */
static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, char *body, size_t len,
                               const char *type, const char *const *headers, size_t nheaders) {
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        len, body, body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (resp == NULL) {
        free(body);
        return MHD_NO;
    }
    (void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    for (size_t i = 0; i + 1 < nheaders; i += 2) {
        (void)MHD_add_response_header(resp, headers[i], headers[i + 1]);
    }
    enum MHD_Result rc = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result respond_text(struct MHD_Connection *c, unsigned status, const char *text) {
    char *s = strdup(text);
    return s ? respond(c, status, s, strlen(s), "text/plain; charset=utf-8", NULL, 0) : MHD_NO;
}

/* The path of a target is exactly p (no query). */
static int target_is(const request *r, const char *p) {
    return strcmp(r->target, p) == 0;
}

static enum MHD_Result serve_record(server *s, struct MHD_Connection *c, const request *r) {
    size_t len = 0;
    if (target_is(r, "/_qshcheck/calls.json")) {
        char *doc = qc_calls_json(&s->calls, &len);
        return doc ? respond(c, 200, doc, len, "application/json", NULL, 0)
                   : respond_text(c, 500, "out of memory\n");
    }
    char *page = qc_calls_dashboard(&s->calls, s->o->product.base_url, &len);
    return page ? respond(c, 200, page, len, "text/html; charset=utf-8", NULL, 0)
                : respond_text(c, 500, "out of memory\n");
}

/* Verifies the call, records it, and only then answers. */
static enum MHD_Result serve_call(server *s, struct MHD_Connection *c, const char *method,
                                  const request *r) {
    header_list hl;
    memset(&hl, 0, sizeof hl);
    (void)MHD_get_connection_values_n(c, MHD_HEADER_KIND, take_header, &hl);
    if (hl.overflow) {
        return respond_text(c, MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE,
                            "Too many header fields\n");
    }
    qc_http_call call = {method, strlen(method), r->target, r->target_len,
                         hl.h,   hl.n,           r->body.s, r->body.n};
    qsh_ctx *ctx = thread_ctx();
    if (ctx == NULL) {
        return respond_text(c, 500, "out of memory\n");
    }
    /* Not time(): glibc reads it from a coarse clock that lags the real one by up to a tick,
     * so a token signed in the same instant by a client reading the real clock would have its
     * iat one second in the future near a second's boundary. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec;
    qc_http_verdict v;
    qc_http_verify(ctx, &s->o->product, &call, now, &v);
    char *line = qc_call_json_line(qc_calls_next_id(&s->calls), now, &call, &v);
    if (line == NULL) {
        qc_http_verdict_free(&v);
        return respond_text(c, 500, "out of memory\n");
    }
    int logged = qc_calls_add(&s->calls, line) == 0;
    enum MHD_Result rc;
    if (!logged) {
        rc = respond_text(c, 500, "the call could not be written to the log\n");
    } else if (v.http_status == 200) {
        char *ok = strdup("{\"ok\":true,\"verified\":\"qshcheck mock product\"}\n");
        const char *h[] = {"X-Qshcheck-Reason", "OK"};
        rc = ok ? respond(c, 200, ok, strlen(ok), "application/json", h, 2) : MHD_NO;
    } else {
        /* A verdict without its message is the out-of-memory one (500). */
        const char *text = v.message != NULL ? v.message : "out of memory";
        size_t n = strlen(text);
        char *body = malloc(n + 2);
        if (body != NULL) {
            memcpy(body, text, n);
            body[n] = '\n';
            body[n + 1] = '\0';
        }
        const char *h[] = {"X-Qshcheck-Reason",    v.code,
                           "X-Qshcheck-Diagnosis", v.diagnosis ? v.diagnosis : "",
                           "WWW-Authenticate",     "JWT"};
        rc = body ? respond(c, (unsigned)v.http_status, body, n + 1, "text/plain; charset=utf-8", h,
                            v.http_status == 401 ? 6 : 4)
                  : MHD_NO;
    }
    qc_http_verdict_free(&v);
    return rc;
}

/* Appends upload data to the body; past the limit only marks the request too big. */
static void take_body(const server *s, request *r, const char *data, size_t n) {
    if (r->too_big || r->body.n + n > s->o->max_body) {
        r->too_big = 1;
        return;
    }
    textbuf_put(&r->body, data, n);
    r->too_big = r->body.failed; /* out of memory: answered as too big */
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls) {
    server *s = cls;
    request *r = *req_cls;
    (void)url; /* decoded by libmicrohttpd: the raw target is r->target */
    (void)version;
    if (r == NULL) {
        return respond_text(c, 500, "out of memory\n");
    }
    if (!r->started) {
        r->started = 1;
        const char *len =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        char *end = NULL;
        unsigned long long declared = len ? strtoull(len, &end, 10) : 0;
        if (len != NULL && end != len && declared > s->o->max_body) {
            return respond_text(c, MHD_HTTP_CONTENT_TOO_LARGE, "Request body too large\n");
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        take_body(s, r, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (r->too_big) {
        return respond_text(c, MHD_HTTP_CONTENT_TOO_LARGE, "Request body too large\n");
    }
    if (strcmp(method, "GET") == 0 &&
        (target_is(r, "/_qshcheck/") || target_is(r, "/_qshcheck/calls.json"))) {
        return serve_record(s, c, r);
    }
    if (strcmp(method, "GET") == 0 && target_is(r, "/favicon.ico")) {
        /* a browser showing the dashboard asks for it: not an app's call, so not recorded */
        return respond_text(c, 404, "Not found\n");
    }
    return serve_call(s, c, method, r);
}

/* A listening IPv4 socket for "ADDRESS:PORT"; -1 with a message. */
static int listen_on(const char *spec, char *shown, size_t cap) {
    const char *colon = strrchr(spec, ':');
    char addr[64];
    char *end = NULL;
    unsigned long port = colon ? strtoul(colon + 1, &end, 10) : 0;
    if (colon == NULL || (size_t)(colon - spec) >= sizeof addr || end == colon + 1 ||
        *end != '\0' || port > 65535) {
        fprintf(stderr, "qshcheck: --listen wants ADDRESS:PORT, got '%s'\n", spec);
        return -1;
    }
    memcpy(addr, spec, (size_t)(colon - spec));
    addr[colon - spec] = '\0';
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
        fprintf(stderr, "qshcheck: --listen: '%s' is not an IPv4 address\n", addr);
        return -1;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    socklen_t sl = sizeof sa;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 512) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &sl) != 0) {
        fprintf(stderr, "qshcheck: cannot listen on %s: %s\n", spec, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    snprintf(shown, cap, "%s:%u", addr, (unsigned)ntohs(sa.sin_port));
    return fd;
}

int qc_server_run(const qc_server_options *o) {
    server s;
    memset(&s, 0, sizeof s);
    s.o = o;
    if (qc_calls_init(&s.calls, o->log_path) != 0) {
        fprintf(stderr, "qshcheck: cannot open the log %s: %s\n", o->log_path, strerror(errno));
        return -1;
    }
    char shown[96];
    int fd = listen_on(o->listen, shown, sizeof shown);
    if (fd < 0) {
        qc_calls_free(&s.calls);
        return -1;
    }
    /* The polling threads inherit this mask: the signals reach only sigwait below. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    /* Strict about the protocol, as libmicrohttpd advises for testing clients: an HTTP/1.1
     * request without Host, or a space in the target, is answered 400. */
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, &s, MHD_OPTION_LISTEN_SOCKET, fd,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, &s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, &s,
        MHD_OPTION_THREAD_POOL_SIZE, o->threads, MHD_OPTION_CONNECTION_LIMIT, o->max_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, o->connection_timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        o->max_head, MHD_OPTION_STRICT_FOR_CLIENT, (int)1, MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "qshcheck: libmicrohttpd could not start on %s\n", shown);
        close(fd);
        qc_calls_free(&s.calls);
        return -1;
    }
    printf("listening on http://%s\n", shown);
    fflush(stdout);
    int sig = 0;
    while (sigwait(&stop, &sig) != 0) {
    }
    MHD_stop_daemon(d);
    close(fd);
    qc_calls_free(&s.calls);
    return 0;
}
