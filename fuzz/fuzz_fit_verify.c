/* Forge Invocation Tokens: JWKS parsing and FIT verification (QSH_KIND_FORGE_INVOCATION).
 *
 * Input framing: byte 0 bit 0 chooses the round trip, bit 1 a JWKS of the input; then
 *  - verification: [JWKS 0xFF] token: the token is verified against the input's JWKS (bit 1)
 *    or the fixture's (the production JWKS of vectors/token_forge_invocation.json);
 *  - round trip: the rest, mapped onto printable ASCII, is the jti of a FIT signed here.
 *
 * Properties, written apart from the library (its decoder and its key building are not used):
 *  - only documented statuses;
 *  - an accepted token verifies under a key built here: the one JWK of the JWKS with the
 *    header's kid (found with jansson here), its n and e decoded here and read by OpenSSL as a
 *    DER RSAPublicKey, RS256 over the signing input; alg is RS256; iss is
 *    forge/invocation-token, aud holds the app's ARI, exp, iat, nbf hold at the clock, and app
 *    has installationId and apiBaseUrl;
 *  - a FIT signed here with the fixture key always verifies (or is refused for its size);
 *    the same with another aud is AUD_MISMATCH, with another iss FIT_ISS_INVALID, and with its
 *    first signature character changed SIG_INVALID or B64_INVALID. */
#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_props.h"
#include "qsh/qsh.h"

#define FIT_NOW 1700000000
#define FIT_APP "5f0e1c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b"
#define FIT_ARI "ari:cloud:ecosystem::app/" FIT_APP
#define FIT_KID "forge-prod-key-1"

/* The production JWKS of vectors/token_forge_invocation.json (test keys only). */
static const char fixture_jwks[] =
    "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"forge-prod-key-1\",\"use\":\"sig\",\"alg\":\"RS256\","
    "\"n\":\"vX"
    "VKc-mq7zdWydjINh4sp2ujuAlGz-ADJbhDaRidSk8yRroThOrzwuhUSzcZoNQ2Vg3o9CXVERpCZnsgaq"
    "jStOOPnvj8vkCLPFjfvfUsND9Ww7viKZLCRztoNvoY_AvnqktUFE9CzKAt45zKDIhp3Cfo3h_sUuIDiU"
    "xqUhv8zWoBK7p4PW5ue6alnTHMp4gxU0bi5ITau1e3PK_I8jxMxegLaX-Xv6jNDfxR3Q4MSjAthKIy4F"
    "5VNQsqIFLS7IyfuJVvxQ-lepWTs-s3Hczo6EKcrQIYK7kPZZitl7y4lD6Opt4PhmrEZ5aX4vfBvb02qn"
    "G3yziTMk0R61ig2xRMWw\",\"e\":\"AQAB\"},{\"kty\":\"RSA\",\"kid\":\"forge-prod-key-2\",\"use\":"
    "\"s"
    "ig\",\"alg\":\"RS256\",\"n\":\"4KZ2qCsEi22mkU-W9Vc0tboEsDl4mB_N0JL3MbdMxhkvO042RDcFgeELF"
    "-8efhoVpJ4e8FbEg2Gsj4cywAU__Y5BsY_n6vDtnlGcIzFUJuZycEhsoTjoL_GHFxHQVTPoYoOQCaCJq"
    "wRNU2abt5DpDSZ37d2brgMPjq3Xr3QewwjxC0B2zNbYAmOwYOGyu5VBUYeFQK9Rp3ekDCi2QUIJsv9f5"
    "6F09Icdim5vIxsnCwKE4IUVeKFRIm9_i8XyHicLg4FoQ6wDMURzUktKWqo2YbgzOmmcrChvepVhZrkYN"
    "58gkdxTzmmM9k0x8RF2RQw8pGRMrQh-AEZBz_nTPPQlGw\",\"e\":\"AQAB\"}]}";

/* vectors/keys/test-rsa-private.pem: the key of FIT_KID in fixture_jwks; a test key. */
static const char fixture_private_key[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQC9dUpz6arvN1bJ\n"
    "2Mg2Hiyna6O4CUbP4AMluENpGJ1KTzJGuhOE6vPC6FRLNxmg1DZWDej0JdURGkJm\n"
    "eyBqqNK044+e+Py+QIs8WN+99Sw0P1bDu+IpksJHO2g2+hj8C+eqS1QUT0LMoC3j\n"
    "nMoMiGncJ+jeH+xS4gOJTGpSG/zNagErung9bm57pqWdMcyniDFTRuLkhNq7V7c8\n"
    "r8jyPEzF6Atpf5e/qM0N/FHdDgxKMC2EojLgXlU1CyogUtLsjJ+4lW/FD6V6lZOz\n"
    "6zcdzOjoQpytAhgruQ9lmK2XvLiUPo6m3g+GasRnlpfi98G9vTaqcbfLOJMyTRHr\n"
    "WKDbFExbAgMBAAECggEAPetWkPmehx4z/DYggSdteq5ATMajYQ8amDpXtcJ4ra+i\n"
    "g+EOvhM35cyeuBJjCuAwfgF/0EOJFlTZvLqjBpj0fHAfIVrI57kaiHeXcHLvpofI\n"
    "6KHAMcwoOLWewtEMV1vgtBR4f0bEUzJKrSgyFNSEnJJili4iw5fghf/2g61n+w4J\n"
    "K0bjNjzp167qKK4DItenCPy2Hhgz47SczBw8ZRwPlUBIdMJ5lpBfaF8WFpvDy8fF\n"
    "cLr+a2uvrgdplNMrTnJpRxgvVfggO/xsYX+nuzaj5I0X5f+18lXdY7mpZJlD7Xw8\n"
    "onGrKHVMR4jH3auZ6NLReM2q09Dfnd+jMfyr065tyQKBgQDeq9AXblfxekUa1rTM\n"
    "0sG2njg1xKU7p+43rhbHb2Zb/N6OlP5TobXzhQRE5m6gwQW05Wp37CIw+4pcxomB\n"
    "TB8aD2ZDO+vXmnrIKBtn3GUKLkDQvy9KV/L5C1XlVYyRTdnNW6/EqnGQXT5ikkuS\n"
    "vgTeQUkyvVmjnROa7pHpL028DwKBgQDZ0NeGJT+UDb4HUfE1/Mf8mx/fu0snXZqp\n"
    "reAsjt2tXD1Ts+aUPiXWW949orWfPuCd+li3TcESDIzwJvIPyaRHDNvEiho6bBQl\n"
    "ORRdEU5yZC4JnLjI/4InyJPHkvzcbztKyAowrtA2BsUrf0SToTT3I08hDtSgyU7q\n"
    "9lLhf7GO9QKBgEBRPHAoLTrQ6HkSH3MyRUXseav+OwP6Q7LNlELTCKv1ZIumubeK\n"
    "dDX86/jC3p2MY4uW4KP3DwE7BwI5TqqMREeQvycYfczvEBwUiaX8YSsJpSsmrhA5\n"
    "SzNodM0jYtDtvcW1gBW8bcUXSdfLDg062ckg7nW7f9Lkoi8UTg0e3sM9AoGAAtab\n"
    "2F2n5HABZ+sDb6apnHsRAUNZiVvI5ikj4LDD5rxq+CpB+PCOYaq0zKzQHREesDBQ\n"
    "86KJv4h2VbLMOLRx9ZMPUhJSoSxDXvDNeSD+mrL/fpSSO9xIf+g3NMSPkvfIGANf\n"
    "Tp8Yi3uvGhAAfsP9ArNtFosw7h9xbdJj5hhZ4fkCgYAxy6nQ+ZeVE3QCrVjzrPfH\n"
    "E67MqlKdN4kn7M8Iie0uDos54T/vaV1QDxfCP0+HZ1czkfudpHVon+b2dkZDZhcX\n"
    "yZRT5qjILHab062WG6u5Z8sIi6h+eH/PthOaWKg/aymU7p1PDN4uxeVyroou7fVk\n"
    "b56nmkpXimo6cQDQg3tvJQ==\n"
    "-----END PRIVATE KEY-----\n";

static qsh_ctx *ctx;

/* Strict unpadded base64url, written here: -1 on any other character or a bad length. */
static long b64d(const char *s, size_t n, unsigned char *out, size_t cap) {
    size_t o = 0, bits = 0;
    unsigned acc = 0;
    if (n % 4 == 1) {
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int v = c >= 'A' && c <= 'Z'   ? c - 'A'
                : c >= 'a' && c <= 'z' ? c - 'a' + 26
                : c >= '0' && c <= '9' ? c - '0' + 52
                : c == '-'             ? 62
                : c == '_'             ? 63
                                       : -1;
        if (v < 0) {
            return -1;
        }
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= cap) {
                return -1;
            }
            out[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    return (long)o;
}

static size_t der_len(unsigned char *p, size_t n) {
    if (n < 0x80) {
        p[0] = (unsigned char)n;
        return 1;
    }
    p[0] = 0x82;
    p[1] = (unsigned char)(n >> 8);
    p[2] = (unsigned char)n;
    return 3;
}

static size_t der_uint(unsigned char *p, const unsigned char *v, size_t n) {
    size_t o = 0, pad = n > 0 && (v[0] & 0x80) ? 1 : 0;
    p[o++] = 0x02;
    o += der_len(p + o, n + pad);
    if (pad) {
        p[o++] = 0;
    }
    memcpy(p + o, v, n);
    return o + n;
}

/* The key of a JWK, built here: n and e decoded here, a DER RSAPublicKey read by OpenSSL. */
static EVP_PKEY *key_of(json_t *jwk) {
    static unsigned char n[2048], e[16], body[2200], der[2300];
    json_t *jn = json_object_get(jwk, "n"), *je = json_object_get(jwk, "e");
    if (!json_is_string(jn) || !json_is_string(je)) {
        return NULL;
    }
    long nl = b64d(json_string_value(jn), json_string_length(jn), n, sizeof n);
    long el = b64d(json_string_value(je), json_string_length(je), e, sizeof e);
    if (nl <= 0 || el <= 0) {
        return NULL;
    }
    size_t b = der_uint(body, n, (size_t)nl);
    b += der_uint(body + b, e, (size_t)el);
    size_t d = 0;
    der[d++] = 0x30;
    d += der_len(der + d, b);
    memcpy(der + d, body, b);
    const unsigned char *p = der;
    return d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)(d + b));
}

static int str_is(json_t *j, const char *s) {
    return json_is_string(j) && strcmp(json_string_value(j), s) == 0 &&
           json_string_length(j) == strlen(s);
}

static int date_ok(json_t *c, const char *name, int future) {
    json_t *v = json_object_get(c, name);
    if (v == NULL) {
        return strcmp(name, "nbf") == 0;
    }
    return json_is_integer(v) &&
           (future ? json_integer_value(v) > FIT_NOW : json_integer_value(v) <= FIT_NOW);
}

/* The evaluation of an accepted token, by the rules. */
static void check_accepted(const char *tok, size_t n, const char *jwks, size_t jwks_len) {
    static unsigned char hdr[9000], clm[9000], sig[9000];
    const char *d1 = memchr(tok, '.', n);
    const char *d2 = d1 ? memchr(d1 + 1, '.', n - (size_t)(d1 + 1 - tok)) : NULL;
    prop(d2 != NULL, "accepted a token without three segments");
    long hl = b64d(tok, (size_t)(d1 - tok), hdr, sizeof hdr);
    long cl = b64d(d1 + 1, (size_t)(d2 - d1 - 1), clm, sizeof clm);
    long sl = b64d(d2 + 1, n - (size_t)(d2 + 1 - tok), sig, sizeof sig);
    prop(hl > 0 && cl > 0 && sl > 0, "accepted a token that is not strict base64url");
    json_error_t err;
    json_t *h = json_loadb((const char *)hdr, (size_t)hl, JSON_REJECT_DUPLICATES, &err);
    json_t *c = json_loadb((const char *)clm, (size_t)cl, JSON_REJECT_DUPLICATES, &err);
    json_t *set = json_loadb(jwks, jwks_len, JSON_REJECT_DUPLICATES, &err);
    prop(json_is_object(h) && json_is_object(c), "accepted a token whose JSON is not two objects");
    prop(str_is(json_object_get(h, "alg"), "RS256"), "accepted a token whose alg is not RS256");
    json_t *kid = json_object_get(h, "kid"), *k, *found = NULL;
    prop(json_is_string(kid), "accepted a token without a kid");
    size_t i, matches = 0;
    json_array_foreach(json_object_get(set, "keys"), i, k) {
        if (str_is(json_object_get(k, "kid"), json_string_value(kid))) {
            found = k;
            matches++;
        }
    }
    prop(matches == 1, "accepted a token whose kid is not one JWK of the JWKS");
    EVP_PKEY *key = key_of(found);
    prop(key != NULL, "accepted a token whose JWK cannot be built here");
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok =
        md != NULL && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
        EVP_DigestVerify(md, sig, (size_t)sl, (const unsigned char *)tok, (size_t)(d2 - tok)) == 1;
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(key);
    prop(ok, "accepted a token whose signature does not verify under the key built here");
    json_t *aud = json_object_get(c, "aud"), *a;
    int aud_ok = str_is(aud, FIT_ARI);
    json_array_foreach(aud, i, a) {
        aud_ok |= str_is(a, FIT_ARI);
    }
    prop(aud_ok, "accepted a token whose aud is not the app's ARI");
    prop(str_is(json_object_get(c, "iss"), "forge/invocation-token"),
         "accepted a token whose iss is not forge/invocation-token");
    prop(date_ok(c, "exp", 1) && date_ok(c, "iat", 0) && date_ok(c, "nbf", 0),
         "accepted a token whose time claims fail");
    json_t *app = json_object_get(c, "app");
    prop(json_is_string(json_object_get(app, "installationId")) &&
             json_is_string(json_object_get(app, "apiBaseUrl")),
         "accepted a token without the app claim");
    json_decref(h);
    json_decref(c);
    json_decref(set);
}

static qsh_status verify(const char *tok, size_t n, const char *jwks, size_t jwks_len) {
    static char auth[9100];
    qsh_verify_params p;
    memset(&p, 0, sizeof p);
    p.kind = QSH_KIND_FORGE_INVOCATION;
    p.now = FIT_NOW;
    p.request.method = "POST";
    p.request.method_len = 4;
    p.request.target = "/forge/remote/issue-panel";
    p.request.target_len = strlen(p.request.target);
    p.request.profile = QSH_PROFILE_PRODUCT;
    memcpy(auth, "Bearer ", 7);
    memcpy(auth + 7, tok, n);
    p.authorization = auth;
    p.authorization_len = n + 7;
    p.jwks = jwks;
    p.jwks_len = jwks_len;
    p.app_id = FIT_APP;
    p.app_id_len = strlen(FIT_APP);
    qsh_status st = qsh_token_verify(ctx, &p);
    prop(strcmp(qsh_status_name(st), "QSH_E_UNKNOWN") != 0 && st != QSH_E_NULL_ARG &&
             st != QSH_E_KIND_INVALID,
         "an undocumented status");
    if (st == QSH_OK) {
        check_accepted(tok, n, jwks, jwks_len);
    }
    return st;
}

static qsh_status sign_fit(const char *iss, const char *aud, const char *jti, size_t jti_len,
                           char *out, size_t cap, size_t *len) {
    json_t *c = json_pack("{s:s, s:s, s:I, s:I, s:s%, s:{s:s, s:s, s:s}}", "iss", iss, "aud", aud,
                          "iat", (json_int_t)(FIT_NOW - 10), "exp", (json_int_t)(FIT_NOW + 290),
                          "jti", jti, jti_len, "app", "id", FIT_ARI, "installationId",
                          "ari:cloud:ecosystem::installation/6a7c0f1e", "apiBaseUrl",
                          "https://api.atlassian.com/ex/jira/0b8f2c1e-cloud-id");
    char *text = c ? json_dumps(c, JSON_COMPACT) : NULL;
    json_decref(c);
    prop(text != NULL, "the round trip's claims cannot be written");
    qsh_status st = qsh_token_sign_rs256(FIT_KID, strlen(FIT_KID), text, strlen(text),
                                         (const unsigned char *)fixture_private_key,
                                         sizeof fixture_private_key - 1, out, cap, len);
    free(text);
    prop(st == QSH_OK, "a FIT of printable claims cannot be signed");
    return st;
}

static void roundtrip(const uint8_t *data, size_t size) {
    static char jti[4096], tok[16384];
    size_t n = size > sizeof jti ? sizeof jti : size, len = 0;
    map_wire(data, n, jti);
    size_t fl = sizeof fixture_jwks - 1;
    (void)sign_fit("forge/invocation-token", FIT_ARI, jti, n, tok, sizeof tok, &len);
    qsh_status st = verify(tok, len, fixture_jwks, fl);
    prop(len > QSH_MAX_TOKEN_LEN ? st == QSH_E_TOKEN_TOO_LARGE : st == QSH_OK,
         "a FIT signed with the fixture key does not verify");
    if (len > QSH_MAX_TOKEN_LEN) {
        return;
    }
    char *dot = strrchr(tok, '.');
    char saved = dot[1];
    dot[1] = (char)(saved == 'A' ? 'B' : 'A');
    st = verify(tok, len, fixture_jwks, fl);
    prop(st == QSH_E_SIG_INVALID || st == QSH_E_B64_INVALID, "a changed signature verifies");
    dot[1] = saved;
    (void)sign_fit("forge/invocation-token", FIT_ARI "x", jti, n, tok, sizeof tok, &len);
    prop(len > QSH_MAX_TOKEN_LEN || verify(tok, len, fixture_jwks, fl) == QSH_E_AUD_MISMATCH,
         "a FIT of another aud is not AUD_MISMATCH");
    (void)sign_fit("forge/invocation-tokeN", FIT_ARI, jti, n, tok, sizeof tok, &len);
    prop(len > QSH_MAX_TOKEN_LEN || verify(tok, len, fixture_jwks, fl) == QSH_E_FIT_ISS_INVALID,
         "a FIT of another iss is not FIT_ISS_INVALID");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1 || size > 70000) {
        return 0;
    }
    if (ctx == NULL && (ctx = qsh_ctx_new()) == NULL) {
        abort();
    }
    if (data[0] & 1) {
        roundtrip(data + 1, size - 1);
        return 0;
    }
    const char *rest = (const char *)data + 1, *jwks = fixture_jwks;
    size_t rest_len = size - 1, jwks_len = sizeof fixture_jwks - 1;
    if (data[0] & 2) {
        const char *sep = memchr(rest, '\xff', rest_len);
        if (sep == NULL) {
            return 0;
        }
        jwks = rest;
        jwks_len = (size_t)(sep - rest);
        rest_len -= jwks_len + 1;
        rest = sep + 1;
    }
    if (rest_len > 9000) {
        return 0;
    }
    (void)verify(rest, rest_len, jwks, jwks_len);
    return 0;
}
