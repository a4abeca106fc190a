/* The mock product's HTTP/1.1 server on libmicrohttpd: turns each HTTP request into a
 * qc_http_call (the raw request target from libmicrohttpd's URI log callback, since the URL it
 * hands the request handler is already percent-decoded), asks verify.c for the verdict,
 * records the call (calls.c) and only then answers. GET /_qshcheck/calls.json and
 * GET /_qshcheck/ serve the record. */
#ifndef QC_HTTP_SERVER_H
#define QC_HTTP_SERVER_H

#include <stddef.h>

#include "http/verify.h"

typedef struct qc_server_options {
    const char *listen;   /* "ADDRESS:PORT", an IPv4 address; port 0 for any free port */
    qc_product product;   /* base URL, app key, secret, leeway */
    const char *log_path; /* NULL for no log */
    unsigned threads;     /* polling threads */
    unsigned max_connections;
    unsigned connection_timeout; /* seconds a connection may stay idle */
    size_t max_body;             /* bytes; a longer body is answered 413 */
    size_t max_head;             /* bytes for the request line and headers (414 / 431) */
} qc_server_options;

/* Runs until SIGINT or SIGTERM. Prints "listening on http://ADDRESS:PORT" on stdout once the
 * socket listens. Returns 0, or -1 with a message on stderr when it cannot start. */
int qc_server_run(const qc_server_options *o);

#endif
