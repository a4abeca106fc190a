#include "probe/keyserver.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct qc_keyserver {
    struct MHD_Daemon *daemon;
    char path[160]; /* "/" kid */
    const char *pem;
    atomic_uint fetches;
};

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_len, void **state) {
    qc_keyserver *s = cls;
    (void)version;
    (void)upload;
    (void)upload_len;
    (void)state;
    int found = strcmp(method, "GET") == 0 && strcmp(url, s->path) == 0;
    const char *body = found ? s->pem : "no such key\n";
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
    if (r == NULL) {
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", found ? "application/x-pem-file" : "text/plain");
    enum MHD_Result rc = MHD_queue_response(conn, found ? MHD_HTTP_OK : MHD_HTTP_NOT_FOUND, r);
    MHD_destroy_response(r);
    if (found) {
        atomic_fetch_add(&s->fetches, 1);
    }
    return rc;
}

qc_keyserver *qc_keyserver_start(const char *addr, const char *kid, const char *pem, int *bad_addr,
                                 char *err, size_t errcap) {
    const char *colon = strrchr(addr, ':');
    char host[64];
    char *end = NULL;
    long port = colon ? strtol(colon + 1, &end, 10) : 0;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    *bad_addr = 1;
    if (colon == NULL || (size_t)(colon - addr) >= sizeof host || end == colon + 1 ||
        *end != '\0' || port < 1 || port > 65535) {
        snprintf(err, errcap, "--key-server needs 127.0.0.1:PORT with a port from 1 to 65535");
        return NULL;
    }
    memcpy(host, addr, (size_t)(colon - addr));
    host[colon - addr] = '\0';
    /* Loopback only: the key server answers whoever asks, and must not be reachable from
     * elsewhere. */
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1 || (ntohl(sa.sin_addr.s_addr) >> 24) != 127) {
        snprintf(err, errcap, "--key-server must be a loopback address (127.x.x.x:PORT)");
        return NULL;
    }
    sa.sin_port = htons((uint16_t)port);
    *bad_addr = 0;
    qc_keyserver *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(err, errcap, "out of memory");
        return NULL;
    }
    snprintf(s->path, sizeof s->path, "/%s", kid);
    s->pem = pem;
    s->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, answer, s,
                                 MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                                 MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
    if (s->daemon == NULL) {
        snprintf(err, errcap, "cannot listen on %s for the key server", addr);
        free(s);
        return NULL;
    }
    return s;
}

unsigned qc_keyserver_fetches(qc_keyserver *s) {
    return atomic_load(&s->fetches);
}

void qc_keyserver_stop(qc_keyserver *s) {
    if (s != NULL) {
        MHD_stop_daemon(s->daemon);
        free(s);
    }
}
