/* The line protocol between the harness and an implementation (PROTOCOL.md beside this file): one
 * JSON object per line each way. Building requests and parsing answers, kept apart from process
 * handling so that the parser can be fuzzed on its own. */
#ifndef QC_PROTOCOL_H
#define QC_PROTOCOL_H

#include <stddef.h>

#include "impl/impl.h"

#define QC_PROTOCOL_VERSION 1

enum { QC_OP_CANONICAL = 1, QC_OP_QSH = 2, QC_OP_VERIFY = 4 };
enum { QC_PROFILE_SERVER_BIT = 1, QC_PROFILE_PRODUCT_BIT = 2 };

typedef struct qc_hello {
    char name[128];
    char version[64];
    unsigned ops;      /* QC_OP_* bits */
    unsigned profiles; /* QC_PROFILE_*_BIT; both when the hello names none */
} qc_hello;

/* The harness's hello line, with its newline. */
const char *qc_proto_hello_line(void);

/* Parses an implementation's hello. 0, or -1 with a reason in err. */
int qc_proto_parse_hello(const char *line, size_t n, qc_hello *h, char *err, size_t errcap);

/* A malloc'd request line (with its newline) for case c, or NULL when out of memory. */
char *qc_proto_request(long long id, unsigned op, const qc_case *c, size_t *len);

/* Parses one answer line: its id into *id and its content into *ans. 0, or -1 with a reason
 * in err when the line is not a well-formed answer. */
int qc_proto_parse_answer(const char *line, size_t n, long long *id, qc_answer *ans, char *err,
                          size_t errcap);

/* Whether line is an implementation's report that it failed on request *id:
 * {"id":N,"broken":"why"}. 1 with the reason in why, else 0. */
int qc_proto_parse_broken(const char *line, size_t n, long long *id, char *why, size_t whycap);

/* Whether an answer has the shape its request's operation asks for: a canonical or qsh
 * request must not get a verify answer (result {"valid": true}), nor a verify request a
 * canonical request or qsh. 0, or -1 with a reason in err. */
int qc_proto_answer_fits(const qc_answer *a, unsigned op, long long id, char *err, size_t errcap);

/* Which operation the harness asks for a case: for a token case verify, when offered; for a
 * qsh case canonical when offered (it shows where two canonical requests part), else qsh;
 * else 0 (the case is skipped). */
unsigned qc_proto_pick_op(const qc_hello *h, const qc_case *c);

#endif
