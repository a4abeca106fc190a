/* `qshcheck lint`: a vector file is well-formed, self-consistent, and its hashes are right. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "corpus/files.h"
#include "qsh/qsh.h"
#include "corpus/schema.h"
#include "corpus/vectors.h"
#include "judge/report.h"

static const char usage[] =
    "usage: qshcheck lint [FILE|DIR ...]\n"
    "\n"
    "Checks vector files (default: the bundled corpus): each validates against the JSON\n"
    "Schema it names (looked up in the schema/ folder beside it, then in the bundled one),\n"
    "numberOfTests is the number of tests, tcIds are unique, every flag is defined in the\n"
    "notes and every note is used, every canonicalRequest is canonicalMethod&canonicalUri&\n"
    "canonicalQuery, every qsh is the SHA-256 of its canonicalRequest, and every status is\n"
    "a known status name.\n"
    "\n"
    "exit status: 0 no errors; 1 errors found; 2 bad arguments; 3 a file cannot be read or is\n"
    "not a regular file (a folder argument is read for its .json files).\n";

typedef struct lint_state {
    const char *file;
    int errors;
} lint_state;

static void lint_error(lint_state *s, const char *where, const char *msg) {
    s->errors++;
    qc_write_cstr(stdout, s->file);
    fputs(": ", stdout);
    qc_write_cstr(stdout, where);
    fputs(": ", stdout);
    qc_write_cstr(stdout, msg);
    fputc('\n', stdout);
}

static void on_schema_error(void *ud, const char *where, const char *msg) {
    lint_error(ud, where, msg);
}

static json_t *load_schema(const char *file, const char *name, char *err, size_t errcap) {
    char path[4096];
    if (strchr(name, '/') != NULL || strstr(name, "..") != NULL) {
        snprintf(err, errcap, "schema name '%s' must be a plain file name", name);
        return NULL;
    }
    const char *slash = strrchr(file, '/');
    int dirlen = slash ? (int)(slash - file) : 1;
    snprintf(path, sizeof path, "%.*s/schema/%s", dirlen, slash ? file : ".", name);
    struct stat st;
    if (stat(path, &st) != 0) { /* not beside the file: the bundled one */
        snprintf(path, sizeof path, "%s/schema/%s", qc_default_vectors_dir(), name);
    }
    return qc_json_load(path, err, errcap);
}

/* Each server's recorded qsh is the SHA-256 of its recorded canonical request. */
static void check_servers(lint_state *s, qsh_ctx *ctx, const qc_case *c, const char *where) {
    char hex[QSH_HEX_SIZE], msg[256];
    for (size_t i = 0; i < c->nservers; i++) {
        const qc_server_answer *a = &c->servers[i];
        if (!a->accepted) {
            continue;
        }
        if (qsh_sha256_hex(ctx, a->canonical_request.p, a->canonical_request.n, hex) != QSH_OK) {
            lint_error(s, where, "SHA-256 failed");
        } else if (a->qsh.n != QSH_HEX_LEN || memcmp(hex, a->qsh.p, QSH_HEX_LEN) != 0) {
            snprintf(msg, sizeof msg, "the qsh of server '%.*s' is not SHA-256 of its request",
                     (int)a->name.n, a->name.p);
            lint_error(s, where, msg);
        }
    }
}

static void check_case(lint_state *s, qsh_ctx *ctx, const qc_case *c, json_t *notes) {
    char where[64], msg[256];
    size_t i;
    json_t *flag;
    snprintf(where, sizeof where, "tcId %lld", c->tc_id);
    json_array_foreach(c->flags, i, flag) {
        if (json_object_get(notes, json_string_value(flag)) == NULL) {
            snprintf(msg, sizeof msg, "flag '%s' is not defined in notes", json_string_value(flag));
            lint_error(s, where, msg);
        }
    }
    if (c->is_token) { /* the reason is a known reason code: a status name without QSH_E_ */
        char name[128];
        qsh_status st;
        snprintf(name, sizeof name, "QSH_E_%.*s", (int)c->status.n, c->status.p);
        int known = qsh_status_from_name(name, strlen(name), &st) && st != QSH_OK;
        if (c->result != QC_VALID ? !known
                                  : !(c->status.n == 2 && memcmp(c->status.p, "OK", 2) == 0)) {
            lint_error(s, where, "reason is not a known reason code (OK for a valid token)");
        }
        return;
    }
    check_servers(s, ctx, c, where);
    if (c->result == QC_INVALID || c->rules_reject) {
        qsh_status st;
        if (!qsh_status_from_name(c->status.p, c->status.n, &st) || st == QSH_OK) {
            lint_error(s, where, "status is not a known error status name");
        }
        return;
    }
    size_t n = c->canonical_method.n + c->canonical_uri.n + c->canonical_query.n + 2;
    char *joined = malloc(n);
    if (joined == NULL) {
        lint_error(s, where, "out of memory");
        return;
    }
    memcpy(joined, c->canonical_method.p, c->canonical_method.n);
    joined[c->canonical_method.n] = '&';
    memcpy(joined + c->canonical_method.n + 1, c->canonical_uri.p, c->canonical_uri.n);
    joined[c->canonical_method.n + 1 + c->canonical_uri.n] = '&';
    memcpy(joined + n - c->canonical_query.n, c->canonical_query.p, c->canonical_query.n);
    if (n != c->canonical_request.n || memcmp(joined, c->canonical_request.p, n) != 0) {
        lint_error(s, where, "canonicalRequest is not canonicalMethod&canonicalUri&canonicalQuery");
    }
    free(joined);
    char hex[QSH_HEX_SIZE];
    if (qsh_sha256_hex(ctx, c->canonical_request.p, c->canonical_request.n, hex) != QSH_OK) {
        lint_error(s, where, "SHA-256 failed");
    } else if (c->qsh.n != QSH_HEX_LEN || memcmp(hex, c->qsh.p, QSH_HEX_LEN) != 0) {
        snprintf(msg, sizeof msg, "qsh is not SHA-256(canonicalRequest) = %s", hex);
        lint_error(s, where, msg);
    }
}

/* Semantic checks on a file that already matches its schema. */
static void check_file(lint_state *s, qsh_ctx *ctx, json_t *root) {
    char err[1024], msg[256];
    qc_file vf;
    if (qc_file_load(s->file, &vf, err, sizeof err) != 0) {
        lint_error(s, "load", err);
        return;
    }
    json_t *notes = json_object_get(root, "notes");
    json_t *used = json_object();
    json_int_t declared = json_integer_value(json_object_get(root, "numberOfTests"));
    if (declared != (json_int_t)vf.count) {
        snprintf(msg, sizeof msg, "numberOfTests is %lld but the file has %zu tests",
                 (long long)declared, vf.count);
        lint_error(s, "/numberOfTests", msg);
    }
    for (size_t i = 0; i < vf.count; i++) {
        for (size_t j = 0; j < i; j++) {
            if (vf.cases[j].tc_id == vf.cases[i].tc_id) {
                snprintf(msg, sizeof msg, "tcId %lld is used more than once", vf.cases[i].tc_id);
                lint_error(s, "/testGroups", msg);
                break;
            }
        }
        size_t k;
        json_t *flag;
        json_array_foreach(vf.cases[i].flags, k, flag) {
            json_object_set(used, json_string_value(flag), json_true());
        }
        check_case(s, ctx, &vf.cases[i], notes);
    }
    const char *name;
    json_t *note;
    json_object_foreach(notes, name, note) {
        if (json_object_get(used, name) == NULL) {
            snprintf(msg, sizeof msg, "note '%s' is not used by any test", name);
            lint_error(s, "/notes", msg);
        }
    }
    json_decref(used);
    qc_file_free(&vf);
}

int cmd_lint(int argc, char **argv) {
    /* The file arguments, compacted into argv's own slots. */
    cli_spec spec = {usage, NULL, 0, (const char **)argv + 1, (size_t)argc, 0};
    int pr = cli_parse(argc, argv, &spec);
    if (pr != CLI_PARSED) {
        return cli_parse_exit(pr);
    }
    char **files = argv + 1;
    int nfiles = (int)spec.npos;
    char err[1024];
    qc_files list;
    if (qc_files_expand(files, nfiles, &list, err, sizeof err) != 0) {
        qc_print_error(err);
        return QC_EXIT_IO;
    }
    qsh_ctx *ctx = qsh_ctx_new();
    int total = 0, rc = QC_EXIT_OK;
    for (size_t f = 0; f < list.count && ctx != NULL; f++) {
        lint_state s = {list.paths[f], 0};
        json_t *root = qc_json_load(s.file, err, sizeof err);
        if (root == NULL) {
            qc_print_error(err);
            rc = QC_EXIT_IO;
            break;
        }
        json_t *sname = json_object_get(root, "schema");
        json_t *schema = json_is_string(sname)
                             ? load_schema(s.file, json_string_value(sname), err, sizeof err)
                             : NULL;
        if (schema == NULL) {
            lint_error(&s, "/schema", json_is_string(sname) ? err : "no 'schema' name");
        } else if (qc_schema_validate(schema, root, on_schema_error, &s) == 0) {
            check_file(&s, ctx, root);
        }
        json_decref(schema);
        json_decref(root);
        total += s.errors;
    }
    if (ctx == NULL) {
        fprintf(stderr, "qshcheck: out of memory\n");
        rc = QC_EXIT_IO;
    }
    if (rc == QC_EXIT_OK) {
        printf("%zu files checked, %d errors\n", list.count, total);
        rc = total ? QC_EXIT_FAIL : QC_EXIT_OK;
    }
    qsh_ctx_free(ctx);
    qc_files_free(&list);
    return rc;
}
