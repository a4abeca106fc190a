/* qshcheck plugin for Debian's libjwt (libjwt-dev 1.10): token parsing and signature
 * verification, on the token vectors (the verify operation).
 *
 * It does what a C Connect app built on libjwt does: take the token from "Authorization: JWT"
 * or the jwt parameter, read the unverified iss (or kid for installs) with
 * jwt_decode(token, NULL) to pick the key, jwt_decode(token, key) to verify the signature,
 * require the algorithm of the endpoint with jwt_get_alg, then check exp, iat and nbf with
 * jwt_get_grant_int against the case's clock, aud with jwt_get_grant / jwt_get_grants_json,
 * and qsh. libjwt has no notion of qsh, so the plugin compares it with the reference's
 * (libqsh): a failure here is libjwt's, or this glue's, not a qsh library's. */
#include <errno.h>
#include <jwt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qsh/qsh.h"
#include "qshcheck/plugin.h"

static char *dup_str(qshcheck_str s) {
    char *p = malloc(s.n + 1);
    if (p != NULL) {
        memcpy(p, s.p, s.n);
        p[s.n] = '\0';
    }
    return p;
}

static int eq(qshcheck_str s, const char *lit) {
    return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

static int reject(char *err, size_t errcap, const char *why) {
    snprintf(err, errcap, "%s", why);
    return QSHCHECK_REJECTED;
}

/* The token: from the header, or the one jwt parameter of the query (form-decoded). */
static char *carried(const qshcheck_verify_request *r, char *err, size_t errcap) {
    if (r->has_authorization) {
        if (r->authorization.n < 5 || memcmp(r->authorization.p, "JWT ", 4) != 0) {
            reject(err, errcap, "CARRIAGE_SCHEME");
            return NULL;
        }
        qshcheck_str t = {r->authorization.p + 4, r->authorization.n - 4};
        return dup_str(t);
    }
    /* The first piece of the query (before any '#') that starts with "jwt=". */
    const char *t = r->request.target.p, *end = t + r->request.target.n;
    const char *q = memchr(t, '?', r->request.target.n), *found = NULL, *stop = NULL;
    const char *hash = memchr(t, '#', r->request.target.n);
    end = hash ? hash : end;
    for (const char *p = q ? q + 1 : end; p < end && found == NULL;) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *piece_end = amp ? amp : end;
        if (piece_end - p >= 4 && memcmp(p, "jwt=", 4) == 0) {
            found = p + 4;
            stop = piece_end;
        }
        p = piece_end + 1;
    }
    char *tok = NULL;
    if (found != NULL) {
        qshcheck_str s = {found, (size_t)(stop - found)};
        tok = dup_str(s);
    }
    if (tok == NULL) {
        reject(err, errcap, "CARRIAGE_MISSING");
    }
    return tok;
}

static int check_times(jwt_t *j, const qshcheck_verify_request *r, char *err, size_t errcap) {
    errno = 0;
    long exp = jwt_get_grant_int(j, "exp");
    if (errno != 0) {
        return reject(err, errcap, "EXP_MISSING");
    }
    errno = 0;
    long iat = jwt_get_grant_int(j, "iat");
    if (errno != 0) {
        return reject(err, errcap, "IAT_MISSING");
    }
    if (r->now - r->leeway >= exp) {
        return reject(err, errcap, "EXP_EXPIRED");
    }
    if (iat - r->leeway > r->now) {
        return reject(err, errcap, "IAT_IN_FUTURE");
    }
    errno = 0;
    long nbf = jwt_get_grant_int(j, "nbf");
    if (errno == 0 && nbf - r->leeway > r->now) {
        return reject(err, errcap, "NBF_NOT_YET");
    }
    return QSHCHECK_OK;
}

static int check_aud(jwt_t *j, const qshcheck_verify_request *r, char *err, size_t errcap) {
    if (!r->has_audience) {
        return QSHCHECK_OK;
    }
    char *want = dup_str(r->audience);
    const char *aud = jwt_get_grant(j, "aud");
    char *list = aud ? NULL : jwt_get_grants_json(j, "aud");
    int ok = want != NULL && ((aud && strcmp(aud, want) == 0) || (list && strstr(list, want)));
    int missing = aud == NULL && list == NULL;
    free(list);
    free(want);
    return ok ? QSHCHECK_OK : reject(err, errcap, missing ? "AUD_MISSING" : "AUD_MISMATCH");
}

static int check_qsh(jwt_t *j, const qshcheck_verify_request *r, char *err, size_t errcap) {
    const char *claim = jwt_get_grant(j, "qsh");
    if (claim == NULL) {
        return reject(err, errcap, "QSH_MISSING");
    }
    if (strcmp(claim, "context-qsh") == 0) {
        return eq(r->kind, "context") ? QSHCHECK_OK
                                      : reject(err, errcap, "QSH_CONTEXT_NOT_ALLOWED");
    }
    qsh_request req = {r->request.method.p,
                       r->request.method.n,
                       r->request.target.p,
                       r->request.target.n,
                       r->request.base_url.p,
                       r->request.base_url.n,
                       eq(r->request.profile, "product") ? QSH_PROFILE_PRODUCT : QSH_PROFILE_SERVER,
                       NULL,
                       0,
                       NULL,
                       0};
    char hex[QSH_HEX_SIZE];
    qsh_ctx *ctx = qsh_ctx_new();
    qsh_status st = ctx ? qsh_compute(ctx, &req, hex) : QSH_E_NO_MEMORY;
    qsh_ctx_free(ctx);
    if (st != QSH_OK) {
        return reject(err, errcap, "REQUEST_INVALID");
    }
    return strcmp(claim, hex) == 0 ? QSHCHECK_OK : reject(err, errcap, "QSH_MISMATCH");
}

static int verify(const qshcheck_verify_request *r, char *err, size_t errcap) {
    int install = eq(r->kind, "install"), rc = QSHCHECK_REJECTED;
    char *tok = carried(r, err, errcap);
    jwt_t *unverified = NULL, *j = NULL;
    if (tok == NULL) {
        return QSHCHECK_REJECTED;
    }
    if (jwt_decode(&unverified, tok, NULL, 0) != 0) {
        reject(err, errcap, "jwt_decode cannot parse it");
        goto done;
    }
    const char *name =
        install ? jwt_get_header(unverified, "kid") : jwt_get_grant(unverified, "iss");
    qshcheck_str key;
    if (name == NULL ||
        r->lookup(r->lookup_ud, install, (qshcheck_str){name, strlen(name)}, &key)) {
        reject(err, errcap, install ? "KEY_UNKNOWN" : "ISS_UNKNOWN");
        goto done;
    }
    if (jwt_decode(&j, tok, (const unsigned char *)key.p, (int)key.n) != 0) {
        reject(err, errcap, "jwt_decode with the key fails (signature or form)");
        goto done;
    }
    if (jwt_get_alg(j) != (install ? JWT_ALG_RS256 : JWT_ALG_HS256)) {
        reject(err, errcap, "ALG_NOT_ALLOWED");
        goto done;
    }
    if ((rc = check_times(j, r, err, errcap)) != QSHCHECK_OK ||
        (rc = check_aud(j, r, err, errcap)) != QSHCHECK_OK) {
        goto done;
    }
    if (install) {
        const char *iss = jwt_get_grant(j, "iss");
        char *ck = dup_str(r->client_key);
        int same = iss && ck && strcmp(iss, ck) == 0;
        free(ck);
        if (!same) {
            rc = reject(err, errcap, "ISS_MISMATCH");
            goto done;
        }
    }
    rc = check_qsh(j, r, err, errcap);
done:
    jwt_free(unverified);
    jwt_free(j);
    free(tok);
    return rc;
}

#ifndef LIBJWT_PACKAGE_VERSION
#define LIBJWT_PACKAGE_VERSION "unknown"
#endif

static const qshcheck_plugin_table_v1 table = {QSHCHECK_PLUGIN_ABI,
                                               sizeof(qshcheck_plugin_table_v1),
                                               "libjwt",
                                               LIBJWT_PACKAGE_VERSION,
                                               NULL,
                                               NULL,
                                               verify};

const qshcheck_plugin_table_v1 *qshcheck_plugin_v1(void) {
    return &table;
}
