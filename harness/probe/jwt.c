#include "probe/jwt.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *qc_b64url_encode(const unsigned char *data, size_t n) {
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char *out = malloc(n / 3 * 4 + 5);
    if (out == NULL) {
        return NULL;
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)data[i] << 16;
        size_t left = n - i;
        if (left > 1) {
            v |= (unsigned)data[i + 1] << 8;
        }
        if (left > 2) {
            v |= data[i + 2];
        }
        out[o++] = alphabet[(v >> 18) & 63];
        out[o++] = alphabet[(v >> 12) & 63];
        if (left > 1) {
            out[o++] = alphabet[(v >> 6) & 63];
        }
        if (left > 2) {
            out[o++] = alphabet[v & 63];
        }
    }
    out[o] = '\0';
    return out;
}

static char *segment(const json_t *j) {
    char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    char *seg = text ? qc_b64url_encode((const unsigned char *)text, strlen(text)) : NULL;
    free(text);
    return seg;
}

char *qc_jwt_encode(const json_t *header, const json_t *claims, const unsigned char *key,
                    size_t key_len) {
    char *h = segment(header), *c = segment(claims), *s = NULL, *out = NULL;
    if (h == NULL || c == NULL) {
        goto done;
    }
    size_t hn = strlen(h), cn = strlen(c);
    out = malloc(hn + cn + 2 + 64);
    if (out == NULL) {
        goto done;
    }
    memcpy(out, h, hn);
    out[hn] = '.';
    memcpy(out + hn + 1, c, cn);
    out[hn + 1 + cn] = '.';
    out[hn + 2 + cn] = '\0';
    if (key != NULL) {
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned mac_len = 0;
        if (HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)out, hn + 1 + cn, mac,
                 &mac_len) == NULL ||
            (s = qc_b64url_encode(mac, mac_len)) == NULL) {
            free(out);
            out = NULL;
            goto done;
        }
        memcpy(out + hn + 2 + cn, s, strlen(s) + 1);
    }
done:
    free(h);
    free(c);
    free(s);
    return out;
}

char *qc_jwt_tamper(const char *token) {
    size_t n = strlen(token);
    char *out = malloc(n + 1);
    if (out == NULL) {
        return NULL;
    }
    memcpy(out, token, n + 1);
    char *dot = strrchr(out, '.');
    if (dot != NULL && dot[1] != '\0') {
        /* The first character holds the signature's first six bits: any other letter changes
         * them and leaves no unused bits set. */
        dot[1] = dot[1] == 'A' ? 'B' : 'A';
    }
    return out;
}

struct qc_probe_keys {
    EVP_PKEY *product, *attacker;
    char kid[40];
    char *public_pem;
};

qc_probe_keys *qc_probe_keys_new(char *err, size_t errcap) {
    qc_probe_keys *k = calloc(1, sizeof *k);
    BIO *bio = BIO_new(BIO_s_mem());
    unsigned char id[12];
    char *pem = NULL;
    long n = 0;
    if (k == NULL || bio == NULL || (k->product = EVP_RSA_gen(2048)) == NULL ||
        (k->attacker = EVP_RSA_gen(2048)) == NULL || RAND_bytes(id, sizeof id) != 1 ||
        PEM_write_bio_PUBKEY(bio, k->product) != 1 || (n = BIO_get_mem_data(bio, &pem)) <= 0 ||
        (k->public_pem = malloc((size_t)n + 1)) == NULL) {
        snprintf(err, errcap, "cannot make the RSA keys of signed installs");
        BIO_free(bio);
        qc_probe_keys_free(k);
        return NULL;
    }
    memcpy(k->public_pem, pem, (size_t)n);
    k->public_pem[n] = '\0';
    BIO_free(bio);
    /* A fresh kid for each run, so that an app's key cache cannot answer for the key server. */
    char *hex = k->kid;
    memcpy(hex, "qshcheck-probe-", 15);
    for (size_t i = 0; i < sizeof id; i++) {
        snprintf(hex + 15 + 2 * i, 3, "%02x", id[i]);
    }
    return k;
}

void qc_probe_keys_free(qc_probe_keys *k) {
    if (k != NULL) {
        EVP_PKEY_free(k->product);
        EVP_PKEY_free(k->attacker);
        free(k->public_pem);
        free(k);
    }
}

const char *qc_probe_keys_kid(const qc_probe_keys *k) {
    return k->kid;
}

const char *qc_probe_keys_public_pem(const qc_probe_keys *k) {
    return k->public_pem;
}

char *qc_jwt_encode_rs256(const json_t *header, const json_t *claims, const qc_probe_keys *k,
                          int attacker) {
    char *unsigned_token = qc_jwt_encode(header, claims, NULL, 0);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char sig[1024];
    size_t sig_len = sizeof sig;
    char *s = NULL, *out = NULL;
    if (unsigned_token != NULL && md != NULL &&
        EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, attacker ? k->attacker : k->product) ==
            1 &&
        EVP_DigestSign(md, sig, &sig_len, (const unsigned char *)unsigned_token,
                       strlen(unsigned_token) - 1) == 1 &&
        (s = qc_b64url_encode(sig, sig_len)) != NULL) {
        size_t a = strlen(unsigned_token), b = strlen(s);
        if ((out = malloc(a + b + 1)) != NULL) {
            memcpy(out, unsigned_token, a);
            memcpy(out + a, s, b + 1);
        }
    }
    EVP_MD_CTX_free(md);
    free(unsigned_token);
    free(s);
    return out;
}
