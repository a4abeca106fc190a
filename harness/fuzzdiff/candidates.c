#include "fuzzdiff/candidates.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "mistakes/catalogue.h"

int fd_out_check(fd_out *o, const char *dir, unsigned long long seed) {
    memset(o, 0, sizeof *o);
    struct stat st;
    int n = snprintf(o->path, sizeof o->path, "%s/fuzz_diff_seed%llu.json", dir, seed);
    if (n < 0 || (size_t)n >= sizeof o->path - 8) {
        fprintf(stderr, "qshcheck: cannot use --out %s: the path is too long\n", dir);
        return -1;
    }
    snprintf(o->dir, sizeof o->dir, "%s", dir);
    if (stat(dir, &st) != 0) {
        if (mkdir(dir, 0777) != 0) {
            fprintf(stderr, "qshcheck: cannot create the folder %s (--out): %s\n", dir,
                    strerror(errno));
            return -1;
        }
        o->made_dir = 1;
    } else if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, "qshcheck: cannot write into %s (--out): it is not a folder\n", dir);
        return -1;
    }
    if (stat(o->path, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "qshcheck: cannot write %s: it is a folder\n", o->path);
        return -1;
    }
    char probe[4096 + 16];
    snprintf(probe, sizeof probe, "%s.XXXXXX", o->path);
    int fd = mkstemp(probe); /* the only sure test: permissions, read-only mounts, /proc */
    if (fd < 0) {
        fprintf(stderr, "qshcheck: cannot create a file in %s (--out): %s\n", dir, strerror(errno));
        fd_out_discard(o);
        return -1;
    }
    close(fd);
    unlink(probe);
    return 0;
}

void fd_out_discard(const fd_out *o) {
    if (o->made_dir) {
        (void)rmdir(o->dir); /* fails, as it should, when something else was put there */
    }
}

static void note(json_t *notes, const char *flag, const char *type, const char *desc) {
    json_object_set_new(notes, flag, json_pack("{s:s, s:s}", "bugType", type, "description", desc));
}

/* The reference's expectation of c, set on the vector t. */
static void expectation(qsh_ctx *ctx, const qc_case *c, json_t *t) {
    char *mine = NULL, hex[QSH_HEX_SIZE];
    qsh_canonical p;
    qsh_status st = fd_reference(ctx, c, &mine, &p);
    if (st == QSH_OK && qsh_sha256_hex(ctx, mine, p.len, hex) == QSH_OK) {
        json_object_set_new(t, "canonicalMethod", json_stringn(mine, p.method_len));
        json_object_set_new(t, "canonicalUri", json_stringn(mine + p.uri_off, p.uri_len));
        json_object_set_new(t, "canonicalQuery", json_stringn(mine + p.query_off, p.query_len));
        json_object_set_new(t, "canonicalRequest", json_stringn(mine, p.len));
        json_object_set_new(t, "qsh", json_string(hex));
        json_object_set_new(t, "result", json_string("valid"));
    } else {
        json_object_set_new(t, "status", json_string(qsh_status_name(st)));
        json_object_set_new(t, "result", json_string("invalid"));
    }
    free(mine);
}

static json_t *vector_of(qsh_ctx *ctx, const fd_finding *f, int id, json_t *notes) {
    fg_case fc;
    fg_render(&f->req, &fc);
    const qc_case *c = &fc.c;
    json_t *flags = json_array();
    json_array_append_new(flags, json_string("FuzzDiffCandidate"));
    for (int m = 0; m < QC_MISTAKE_COUNT; m++) {
        if (f->v.mistakes & ((uint64_t)1 << m)) {
            json_array_append_new(flags, json_string(qc_mistakes[m].name));
            note(notes, qc_mistakes[m].name, "KNOWN_MISTAKE", qc_mistakes[m].what);
        }
    }
    char comment[1024];
    snprintf(comment, sizeof comment, "%s; the implementation answered %.600s", f->v.label,
             f->theirs ? f->theirs : "?");
    json_t *t = json_pack("{s:i, s:s, s:o, s:s%, s:s%, s:s%, s:s%}", "tcId", id, "comment", comment,
                          "flags", flags, "method", c->method.p, c->method.n, "target", c->target.p,
                          c->target.n, "baseUrl", c->base_url.p, c->base_url.n, "profile",
                          c->profile.p, c->profile.n);
    if (c->has_body) {
        json_object_set_new(t, "body", json_stringn(c->body.p, c->body.n));
        json_object_set_new(t, "contentType", json_stringn(c->content_type.p, c->content_type.n));
    }
    expectation(ctx, c, t);
    return t;
}

static json_t *document(const fd_tally *t, const qc_impl *impl, qsh_ctx *ctx,
                        unsigned long long seed) {
    json_t *notes = json_object(), *tests = json_array();
    note(notes, "FuzzDiffCandidate", "EDGE_CASE",
         "Found by qshcheck fuzz-diff: a minimal request on which the implementation and the "
         "reference disagree. The expectation is the reference's: confirm it by hand against "
         "the rules before the case joins the corpus.");
    for (size_t i = 0; i < t->nfound; i++) {
        json_array_append_new(tests, vector_of(ctx, &t->found[i], (int)i + 1, notes));
    }
    char header[512];
    snprintf(header, sizeof header, "Candidates from qshcheck fuzz-diff, seed %llu, against %s %s.",
             seed, impl->name, impl->version);
    return json_pack(
        "{s:s, s:s, s:s, s:i, s:[s, s], s:o, s:[{s:s, s:s, s:o}]}", "schema",
        "qsh_canonical_v1.schema.json", "algorithm", "ATLASSIAN-CONNECT-QSH", "version", "1",
        "numberOfTests", (int)t->nfound, "header", header,
        "qsh = lowercase hex SHA-256 of canonicalMethod '&' canonicalUri '&' canonicalQuery.",
        "notes", notes, "testGroups", "type", "QshCanonical", "comment", "fuzz-diff", "tests",
        tests);
}

int fd_out_write(const fd_out *o, const fd_tally *t, const qc_impl *impl, qsh_ctx *ctx,
                 unsigned long long seed) {
    char tmp[4096 + 16];
    snprintf(tmp, sizeof tmp, "%s.XXXXXX", o->path);
    json_t *doc = document(t, impl, ctx, seed);
    int fd = doc != NULL ? mkstemp(tmp) : -1;
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    int rc = f != NULL ? json_dumpf(doc, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : -1;
    if (f != NULL) {
        rc |= fclose(f);
    } else if (fd >= 0) {
        close(fd);
    }
    /* mkstemp makes the file 0600; a vector file is as readable as any other */
    if (rc == 0 && (chmod(tmp, 0644) != 0 || rename(tmp, o->path) != 0)) {
        rc = -1;
    }
    if (rc != 0) {
        fprintf(stderr, "qshcheck: cannot write %s: %s\n", o->path,
                doc == NULL ? "out of memory" : strerror(errno));
        if (fd >= 0) {
            unlink(tmp);
        }
    }
    json_decref(doc);
    return rc != 0 ? -1 : 0;
}
