/* Running a token case through the reference verifier: the case's request, clock and kind,
 * and a key lookup over the file's secrets and public keys. */
#ifndef QC_TOKEN_CASE_H
#define QC_TOKEN_CASE_H

#include "qsh/qsh.h"
#include "corpus/vectors.h"

/* Parses "module", "webhook", "context", "install" or "app-to-product". 0, or -1. */
int qc_kind_parse(const char *s, size_t n, qsh_token_kind *out);

/* The key lookup over a JSON object of secrets (iss -> secret) and one of public keys
 * (kid -> PEM). */
typedef struct qc_keyring {
    json_t *secrets;
    json_t *public_keys;
} qc_keyring;
qsh_status qc_keyring_lookup(void *ud, int rs256, const char *iss, size_t iss_len, const char *kid,
                             size_t kid_len, const unsigned char **key, size_t *key_len);

/* Verifies case c with the reference: QSH_OK or the failed rule's status. */
qsh_status qc_verify_case(qsh_ctx *ctx, const qc_case *c);

#endif
