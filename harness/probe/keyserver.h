/* The key service of signed installs, played on the loopback while the probe runs: GET /KID
 * answers the PEM public key of that kid (as connect-install-keys.atlassian.com does), anything
 * else 404. HTTP through libmicrohttpd. */
#ifndef QC_PROBE_KEYSERVER_H
#define QC_PROBE_KEYSERVER_H

#include <stddef.h>

typedef struct qc_keyserver qc_keyserver;

/* Listens on addr, "127.0.0.1:PORT" (loopback only), serving pem under /kid; pem must outlive
 * the server. NULL with err when addr is not a loopback address and port (*bad_addr = 1) or
 * cannot be listened on (*bad_addr = 0). */
qc_keyserver *qc_keyserver_start(const char *addr, const char *kid, const char *pem, int *bad_addr,
                                 char *err, size_t errcap);
/* How many times the key was fetched. */
unsigned qc_keyserver_fetches(qc_keyserver *s);
void qc_keyserver_stop(qc_keyserver *s);

#endif
