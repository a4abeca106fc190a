/* The fixed keys, clock and request of the token fuzz targets: those of the token vectors'
 * iframe cases (vectors/tools/gen_tokens.py), so that the seeds reach every check. */
#ifndef QSH_FUZZ_TOKEN_FIXTURE_H
#define QSH_FUZZ_TOKEN_FIXTURE_H

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qsh/qsh.h"

#define FX_ISS "jira:7f3c9a10-tenant"
#define FX_SECRET "s3cr3t-shared-by-jira-and-the-app-0123456789"
#define FX_CLIENT_KEY "7f3c9a10-0e4b-4d45-9a1c-client-key"
#define FX_NOW 1700000000
#define FX_TARGET                                                                                  \
    "/connect/panel?issueKey=ABC-1&lic=active&xdm_e=https%3A%2F%2Fyour-domain.atlassian.net"
#define FX_BASE "https://app.example.com/connect"
/* The canonical request of FX_TARGET under FX_BASE, written out by hand: the base path
 * stripped, the parameters sorted; the qsh a token for it must carry is its SHA-256. */
#define FX_CANONICAL                                                                               \
    "GET&/panel&issueKey=ABC-1&lic=active&xdm_e=https%3A%2F%2Fyour-domain.atlassian.net"

/* The public key of vectors/keys/test-rsa-public.pem, for RS256 (install) tokens. */
static const char fx_public_key[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvXVKc+mq7zdWydjINh4s\n"
    "p2ujuAlGz+ADJbhDaRidSk8yRroThOrzwuhUSzcZoNQ2Vg3o9CXVERpCZnsgaqjS\n"
    "tOOPnvj8vkCLPFjfvfUsND9Ww7viKZLCRztoNvoY/AvnqktUFE9CzKAt45zKDIhp\n"
    "3Cfo3h/sUuIDiUxqUhv8zWoBK7p4PW5ue6alnTHMp4gxU0bi5ITau1e3PK/I8jxM\n"
    "xegLaX+Xv6jNDfxR3Q4MSjAthKIy4F5VNQsqIFLS7IyfuJVvxQ+lepWTs+s3Hczo\n"
    "6EKcrQIYK7kPZZitl7y4lD6Opt4PhmrEZ5aX4vfBvb02qnG3yziTMk0R61ig2xRM\n"
    "WwIDAQAB\n"
    "-----END PUBLIC KEY-----\n";

static inline qsh_status fx_lookup(void *ud, int rs256, const char *iss, size_t iss_len,
                                   const char *kid, size_t kid_len, const unsigned char **key,
                                   size_t *key_len) {
    (void)ud;
    (void)kid;
    (void)kid_len;
    if (rs256) {
        *key = (const unsigned char *)fx_public_key;
        *key_len = sizeof fx_public_key - 1;
        return QSH_OK;
    }
    if (iss_len == strlen(FX_ISS) && memcmp(iss, FX_ISS, iss_len) == 0) {
        *key = (const unsigned char *)FX_SECRET;
        *key_len = strlen(FX_SECRET);
        return QSH_OK;
    }
    return QSH_E_ISS_UNKNOWN;
}

static inline qsh_request fx_request(void) {
    qsh_request r = {"GET",
                     3,
                     FX_TARGET,
                     strlen(FX_TARGET),
                     FX_BASE,
                     strlen(FX_BASE),
                     QSH_PROFILE_PRODUCT,
                     NULL,
                     0,
                     NULL,
                     0};
    return r;
}

/* The qsh of the fixed request, from FX_CANONICAL through libcrypto: 64 hex digits. */
static inline const char *fx_qsh(void) {
    static char hex[65];
    if (hex[0] == '\0') {
        unsigned char md[32];
        unsigned int n = 0;
        if (EVP_Digest(FX_CANONICAL, strlen(FX_CANONICAL), md, &n, EVP_sha256(), NULL) != 1) {
            abort();
        }
        for (size_t i = 0; i < 32; i++) {
            snprintf(hex + 2 * i, 3, "%02x", md[i]);
        }
    }
    return hex;
}

/* Strict unpadded base64url (RFC 4648 section 5), written here apart from the reference's
 * decoder: the alphabet only, no lone last character, zero unused bits. Returns the decoded
 * length, or (size_t)-1 when s[0..n) is not such base64url or does not fit cap. */
static inline size_t fx_b64url(const char *s, size_t n, unsigned char *out, size_t cap) {
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned long bits = 0;
    size_t nbits = 0, k = 0;
    if (n % 4 == 1) {
        return (size_t)-1;
    }
    for (size_t i = 0; i < n; i++) {
        const char *p = s[i] != '\0' ? strchr(alphabet, s[i]) : NULL;
        if (p == NULL) {
            return (size_t)-1;
        }
        bits = (bits << 6 | (unsigned long)(p - alphabet)) & 0xFFFFFFu;
        nbits += 6;
        if (nbits >= 8) {
            if (k == cap) {
                return (size_t)-1;
            }
            nbits -= 8;
            out[k++] = (unsigned char)(bits >> nbits);
        }
    }
    return (bits & ((1ul << nbits) - 1)) == 0 ? k : (size_t)-1;
}

#endif
