/* Named limits of the reference library. Exceeding one is a distinct status, never a
 * truncation. They are far above what any real product sends (Tomcat's default header limit is
 * 8 KiB) and low enough that the worst-case output (3 bytes per input byte) fits in size_t
 * arithmetic with room to spare. */
#ifndef QSH_LIMITS_H
#define QSH_LIMITS_H

#define QSH_MAX_METHOD_LEN 64u                /* QSH_E_METHOD_TOO_LONG beyond this */
#define QSH_MAX_TARGET_LEN (1024u * 1024u)    /* QSH_E_TARGET_TOO_LONG beyond this */
#define QSH_MAX_BASE_URL_LEN 4096u            /* QSH_E_BASE_URL_TOO_LONG beyond this */
#define QSH_MAX_BODY_LEN (4u * 1024u * 1024u) /* QSH_E_BODY_TOO_LONG beyond this */

/* QSH_E_TOKEN_TOO_LARGE beyond this (docs/RULES.md, Connect JWTs) */
#define QSH_MAX_TOKEN_LEN 8192u
#define QSH_MAX_JSON_DEPTH 16u /* QSH_E_JSON_TOO_DEEP beyond this */
#define QSH_MAX_KID_LEN 128u
/* Forge Invocation Tokens: a JWKS document beyond these is QSH_E_JWKS_INVALID; an RSA modulus
 * outside these bits is QSH_E_KEY_INVALID. */
#define QSH_MAX_JWKS_LEN 65536u
#define QSH_MAX_JWKS_KEYS 64u
#define QSH_MIN_RSA_BITS 2048u
#define QSH_MAX_RSA_BITS 8192u
#define QSH_MAX_APP_ID_LEN 256u

/* A qsh is 32 bytes of SHA-256 written as 64 lowercase hex digits; buffers for it hold the
 * terminating NUL too. */
#define QSH_HEX_LEN 64u
#define QSH_HEX_SIZE (QSH_HEX_LEN + 1u)

#endif
