/* Loading vector files: one JSON file holds test groups of cases (see vectors/README.md). The
 * loader checks the structure it relies on; `qshcheck lint` checks the full schema. */
#ifndef QC_VECTORS_H
#define QC_VECTORS_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

/* A string of a vector: pointer into the JSON document and its length (may hold NUL). */
typedef struct qc_str {
    const char *p;
    size_t n;
} qc_str;

typedef enum qc_result { QC_VALID, QC_INVALID, QC_ACCEPTABLE } qc_result;

/* What one servlet container configuration computed for a case (member `servers` of
 * qsh_canonical_v2, from servers/measured.json; docs/RULES.md, "What the servers compute"). */
typedef struct qc_server_answer {
    qc_str name;      /* "tomcat", "tomcat-utf8", "tomcat-jira", "jetty" */
    int accepted;     /* 1: it computed canonical_request (and qsh); 0: it refused */
    long long status; /* the HTTP status of a refusal */
    int http09;       /* it read the request line as HTTP/0.9: not an answer for this target */
    qc_str canonical_request, qsh;
} qc_server_answer;

enum { QC_MAX_SERVERS = 8 };

typedef struct qc_case {
    long long tc_id;
    qc_str comment;
    json_t *flags; /* array of strings */
    qc_str method, target, base_url, profile, body, content_type;
    int has_body;
    qc_result result;
    /* valid cases, and acceptable cases the rules canonicalize */
    qc_str canonical_method, canonical_uri, canonical_query, canonical_request, qsh;
    /* invalid cases, and acceptable cases the rules reject: the status name (qsh files) or the
     * reason code (token files) */
    qc_str status;
    int rules_reject; /* an acceptable case the rules reject: it has a status, no request */
    /* what the servlet containers computed, where measured */
    qc_server_answer servers[QC_MAX_SERVERS];
    size_t nservers;
    /* token cases (files of qsh_token_v1 or v2.schema.json; v2 adds acceptable) */
    int is_token;
    qc_str kind, authorization, audience, client_key, subject;
    int has_authorization, has_audience, has_client_key, has_subject;
    qc_str jwks, app_id; /* Forge Invocation Tokens: the JWKS document's text and the app id */
    int has_jwks, has_app_id;
    long long now, leeway;
    json_t *secrets;     /* the file's: iss -> shared secret */
    json_t *public_keys; /* the file's: kid -> PEM */
} qc_case;

typedef struct qc_file {
    char *path;
    json_t *root;
    qc_case *cases;
    size_t count;
} qc_file;

/* Loads and checks a vector file. On failure returns -1 with a message in err. */
int qc_file_load(const char *path, qc_file *out, char *err, size_t errcap);
/* The same from a buffer holding a file's text; name is used in messages. */
int qc_file_parse(const char *name, const char *buf, size_t len, qc_file *out, char *err,
                  size_t errcap);
void qc_file_free(qc_file *f);

/* Opens path for reading if it is a regular file. A folder, a FIFO or a device is refused
 * with a message, checked on the opened file (a FIFO is opened without blocking), so that
 * reading it can neither block nor see a folder as an empty file. NULL with err on failure. */
FILE *qc_open_regular(const char *path, const char *what, char *err, size_t errcap);

/* Reads a JSON file strictly (duplicate member names rejected). NULL with err on failure. */
json_t *qc_json_load(const char *path, char *err, size_t errcap);

const char *qc_result_name(qc_result r);

#endif
