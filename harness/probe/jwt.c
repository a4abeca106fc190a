#include "probe/jwt.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
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
