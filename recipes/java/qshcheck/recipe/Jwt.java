package qshcheck.recipe;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.KeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Connect JWTs: signing an app's call to a product (HS256) and verifying what a product sends to
 * the app, in the order of docs/RULES.md "Connect JWTs", so that the first failure is always
 * the same one; and verifying the Forge Invocation Token of a call to a Forge Remote back end
 * (docs/RULES.md "Forge Invocation Tokens"). The standard library only: HMAC and RSA from
 * java.security, JSON from {@link Json}.
 */
public final class Jwt {
    public static final int MAX_TOKEN_LEN = 8192;
    public static final int MAX_JSON_DEPTH = 16;
    public static final int MAX_JWKS_LEN = 65536;
    public static final int MAX_JWKS_KEYS = 64;
    /** An app-to-product token lives three minutes, as Atlassian's own libraries sign them. */
    public static final long LIFETIME = 180;
    /** The iss of every Forge Invocation Token. */
    public static final String FIT_ISS = "forge/invocation-token";
    /** An app's ARI is this prefix and its id; a Forge Invocation Token's aud holds it. */
    public static final String APP_ARI = "ari:cloud:ecosystem::app/";

    /**
     * The endpoint a token arrives at, which decides what it may carry: LIFECYCLE is an HS256
     * lifecycle callback (enabled, disabled, and Bitbucket's installed and uninstalled, which
     * took no part in signed installs), INSTALL a signed (RS256) install or uninstall callback.
     */
    public enum Kind { MODULE, WEBHOOK, CONTEXT, INSTALL, LIFECYCLE, APP_TO_PRODUCT }

    /**
     * What the verifier expects: the clock, {@code aud} where the endpoint requires it (your
     * baseUrl, for installs), the body's clientKey for installs and lifecycle callbacks (else
     * null), {@code sub} where one is expected (a Bitbucket app-to-product token's, the
     * clientKey; else null), the shared secrets by {@code iss}, and Atlassian's public keys (PEM)
     * by {@code kid} for signed installs.
     */
    public record Expect(Kind kind, long now, long leeway, String audience, String clientKey,
            String subject, Map<String, String> secrets, Map<String, String> publicKeys) {
        public Expect {
            // A signed install is only worth its aud and iss: without them it proves nothing.
            if (kind == Kind.INSTALL && (audience == null || clientKey == null)) {
                throw new IllegalArgumentException("INSTALL needs the app's baseUrl and the clientKey");
            }
        }
    }

    /**
     * What a Forge Remote expects of a Forge Invocation Token: the clock, the text of the JWK Set
     * it trusts (Forge's production or staging one, fetched by the app: nothing in the token
     * chooses it), and the app's id, bare or as its ARI.
     */
    public record ForgeExpect(long now, long leeway, String jwks, String appId) {}

    /** Why a token is refused; {@code status} is the strict verifier's reason code. */
    public static final class JwtException extends Exception {
        private static final long serialVersionUID = 1L;
        public final String status;

        JwtException(String status, String message) {
            super(status + ": " + message);
            this.status = status;
        }
    }

    private static final Pattern KID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]*");
    private static final Pattern LOWER_HEX = Pattern.compile("[0-9a-f]{64}");

    private Jwt() {}

    /**
     * The Authorization header's value for an app-to-product call: {@code JWT <token>} with
     * {@code iss} the app key, {@code iat}, {@code exp} and the request's qsh (profile SERVER,
     * what the product computes). Bitbucket wants {@code sub} too, the installation's clientKey;
     * pass null otherwise.
     */
    public static String sign(String secret, String iss, String sub, long now, Qsh.Request request)
            throws Qsh.QshException {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", iss);
        claims.put("iat", now);
        claims.put("exp", now + LIFETIME);
        claims.put("qsh", Qsh.qsh(request));
        if (sub != null) {
            claims.put("sub", sub);
        }
        String input = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + b64(Json.write(claims));
        return "JWT " + input + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(hmac(secret, input));
    }

    /** Verifies the token a request carries and returns its claims. */
    public static Map<String, Object> verify(String authorization, Qsh.Request request, Expect e)
            throws JwtException {
        Parsed token = parse(carriedToken(authorization, request.target(), e.kind()));
        boolean install = e.kind() == Kind.INSTALL;
        checkHeader(token.header(), install);
        Map<String, Object> claims = token.claims();
        if (install) {
            verifyRs256(pemKey(e.publicKeys().get((String) token.header().get("kid"))), token);
        } else {
            // The tenant, and so the secret, comes from iss only: never from aud.
            if (!(claims.get("iss") instanceof String)) {
                throw new JwtException("ISS_MISSING", "iss must be a string");
            }
            String secret = e.secrets().get((String) claims.get("iss"));
            if (secret == null) {
                throw new JwtException("ISS_UNKNOWN", "no tenant has this iss");
            }
            // Constant time, so the response time says nothing about a forged signature.
            if (!MessageDigest.isEqual(hmac(secret, token.signingInput()), token.signature())) {
                throw new JwtException("SIG_INVALID", "the HS256 signature does not match");
            }
        }
        checkClaims(claims, e.now(), e.leeway(), e.audience());
        // An install's iss is the body's clientKey; a lifecycle callback's too, when it is given.
        boolean issIsClientKey = install || e.kind() == Kind.LIFECYCLE && e.clientKey() != null;
        if (issIsClientKey && !(e.clientKey() != null && e.clientKey().equals(claims.get("iss")))) {
            throw new JwtException("ISS_MISMATCH", "iss is not the body's clientKey");
        }
        if (e.subject() != null && !e.subject().equals(claims.get("sub"))) {
            throw new JwtException("SUB_MISMATCH", "sub is not " + e.subject());
        }
        checkQsh(claims, request, e.kind());
        return claims;
    }

    /**
     * Verifies the Forge Invocation Token of a call to a Forge Remote ({@code Authorization:
     * Bearer <token>}, never the query) and returns its claims. A FIT signs no request: there is
     * no qsh.
     */
    public static Map<String, Object> verifyForgeInvocation(String authorization, ForgeExpect e)
            throws JwtException {
        if (authorization == null) {
            throw new JwtException("CARRIAGE_MISSING", "no Authorization header");
        }
        Parsed token = parse(headerToken(authorization, "Bearer"));
        checkHeader(token.header(), true);
        verifyRs256(jwksKey(e.jwks(), (String) token.header().get("kid")), token);
        String ari = e.appId().startsWith(APP_ARI) ? e.appId() : APP_ARI + e.appId();
        Map<String, Object> claims = token.claims();
        checkClaims(claims, e.now(), e.leeway(), ari); // the bare id is not the audience
        if (!FIT_ISS.equals(claims.get("iss"))) {
            throw new JwtException("FIT_ISS_INVALID", "iss is not " + FIT_ISS);
        }
        if (!(claims.get("app") instanceof Map<?, ?> app
                && app.get("installationId") instanceof String
                && app.get("apiBaseUrl") instanceof String
                && (!app.containsKey("id") || ari.equals(app.get("id"))))) {
            throw new JwtException("FIT_APP_INVALID",
                    "app lacks installationId or apiBaseUrl, or names another app");
        }
        return claims;
    }

    /**
     * One carrier: "Authorization: JWT <token>" or one jwt query parameter, never the query for
     * an app-to-product call (the products answer 401 to it since 2022-02-01).
     */
    private static String carriedToken(String authorization, String target, Kind kind)
            throws JwtException {
        String rest = target.split("#", -1)[0];
        String query = rest.indexOf('?') < 0 ? "" : rest.substring(rest.indexOf('?') + 1);
        String param = null;
        int count = 0;
        for (String piece : query.split("&", -1)) {
            int eq = piece.indexOf('=');
            try {
                if (Qsh.decode(eq < 0 ? piece : piece.substring(0, eq), true, "").equals("jwt")) {
                    count++;
                    param = Qsh.decode(eq < 0 ? "" : piece.substring(eq + 1), true, "");
                }
            } catch (Qsh.QshException ignored) {
                // not the token's parameter; the qsh check refuses such a request later
            }
        }
        if (authorization != null && count > 0 || count > 1) {
            throw new JwtException("CARRIAGE_AMBIGUOUS", "more than one token");
        } else if (authorization != null) {
            return headerToken(authorization, "JWT");
        } else if (count == 0) {
            throw new JwtException("CARRIAGE_MISSING", "no token");
        } else if (kind == Kind.APP_TO_PRODUCT) {
            throw new JwtException("CARRIAGE_QUERY_NOT_ALLOWED", "an app's token in the query");
        }
        return param;
    }

    /**
     * The token of "Authorization: SCHEME <token>": the scheme exactly, one space, and no '='
     * ("JWT token=<jwt>" is an auth-param, not the format; a compact token never holds one).
     */
    private static String headerToken(String authorization, String scheme) throws JwtException {
        String token = authorization.startsWith(scheme + " ")
                ? authorization.substring(scheme.length() + 1) : "";
        if (token.isEmpty() || token.contains(" ") || token.contains("=")) {
            throw new JwtException("CARRIAGE_SCHEME", "not \"" + scheme + " <token>\"");
        }
        return token;
    }

    /** A compact token's decoded header and claims, what was signed and the signature. */
    private record Parsed(Map<String, Object> header, Map<String, Object> claims,
            String signingInput, byte[] signature) {}

    private static Parsed parse(String token) throws JwtException {
        if (token.length() > MAX_TOKEN_LEN) {
            throw new JwtException("TOKEN_TOO_LARGE", "the token is over 8 KiB");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new JwtException("SEGMENTS", "a compact JWT has three segments");
        }
        Map<String, Object> header = object(unbase64(parts[0]));
        Map<String, Object> claims = object(unbase64(parts[1]));
        return new Parsed(header, claims, parts[0] + "." + parts[1], unbase64(parts[2]));
    }

    /**
     * alg exactly HS256 or RS256, never none; no crit extension is understood; jku, jwk, x5u
     * and x5c are never read; a kid (always there for RS256) is checked before anything looks it
     * up.
     */
    private static void checkHeader(Map<String, Object> header, boolean rs256)
            throws JwtException {
        if (!(rs256 ? "RS256" : "HS256").equals(header.get("alg"))) {
            throw new JwtException("ALG_NOT_ALLOWED", rs256 ? "not RS256" : "not HS256");
        }
        if (header.containsKey("crit")) {
            throw new JwtException("CRIT_UNSUPPORTED", "no crit extension is understood");
        }
        Object kid = header.get("kid");
        if ((rs256 || header.containsKey("kid")) && !(kid instanceof String
                && KID.matcher((String) kid).matches() && !((String) kid).contains(".."))) {
            throw new JwtException("KID_INVALID", "kid is not 1 to 128 of A-Z a-z 0-9 . _ -");
        }
    }

    /**
     * base64url without padding and no unused bits set: Java's decoder takes both, so the
     * segment must be exactly what encoding its bytes gives back.
     */
    private static byte[] unbase64(String segment) throws JwtException {
        if (!BASE64URL.matcher(segment).matches() || segment.length() % 4 == 1) {
            throw new JwtException("B64_INVALID", "a segment that is not base64url");
        }
        byte[] bytes = Base64.getUrlDecoder().decode(segment);
        if (!Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(segment)) {
            throw new JwtException("B64_INVALID", "unused bits set in a segment's last character");
        }
        return bytes;
    }

    @SuppressWarnings("unchecked") // a JSON object is always a Map<String, Object>
    private static Map<String, Object> object(byte[] bytes) throws JwtException {
        Object value;
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes))
                    .toString();
            value = Json.parse(text, MAX_JSON_DEPTH);
        } catch (CharacterCodingException ex) {
            throw new JwtException("JSON_INVALID", "a segment that is not UTF-8");
        } catch (Json.JsonException ex) {
            throw new JwtException(ex.tooDeep ? "JSON_TOO_DEEP" : "JSON_INVALID", ex.getMessage());
        }
        if (!(value instanceof Map)) {
            throw new JwtException("JSON_NOT_OBJECT", "the header and claims must be objects");
        }
        return (Map<String, Object>) value;
    }

    /** Atlassian's public key for a signed install, from its PEM. */
    private static PublicKey pemKey(String pem) throws JwtException {
        if (pem == null) {
            throw new JwtException("KEY_UNKNOWN", "no public key has this kid");
        }
        String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----|\\s", "");
        try {
            return rsaKey(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (IllegalArgumentException ex) {
            throw new JwtException("KEY_INVALID", "the kid names a key that is not RSA");
        }
    }

    private static PublicKey rsaKey(KeySpec spec) throws JwtException {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(spec);
        } catch (GeneralSecurityException ex) {
            throw new JwtException("KEY_INVALID", "not an RSA public key");
        }
    }

    /**
     * The key of the one JWK whose kid is {@code kid} in a JWK Set document: a JSON object of at
     * most 64 KiB whose keys are 1 to 64 objects, two of them with this kid refused (which one is
     * meant cannot be told; other kids are not compared); the JWK an RSA key for RS256
     * signatures of 2048 to 8192 bits.
     */
    @SuppressWarnings("unchecked") // a JSON object is always a Map<String, Object>
    private static PublicKey jwksKey(String jwks, String kid) throws JwtException {
        Object doc = null;
        try {
            if (jwks != null && jwks.getBytes(StandardCharsets.UTF_8).length <= MAX_JWKS_LEN) {
                doc = Json.parse(jwks, MAX_JSON_DEPTH);
            }
        } catch (Json.JsonException ex) {
            doc = null;
        }
        Object keys = doc instanceof Map ? ((Map<?, ?>) doc).get("keys") : null;
        if (!(keys instanceof List<?> list && !list.isEmpty() && list.size() <= MAX_JWKS_KEYS
                && list.stream().allMatch(Map.class::isInstance))) {
            throw new JwtException("JWKS_INVALID",
                    "not a JSON object of at most 64 KiB with 1 to 64 keys");
        }
        Map<String, Object> jwk = null;
        for (Object key : list) {
            if (kid.equals(((Map<?, ?>) key).get("kid"))) {
                if (jwk != null) {
                    throw new JwtException("JWKS_INVALID", "two keys of the JWKS have this kid");
                }
                jwk = (Map<String, Object>) key;
            }
        }
        if (jwk == null) {
            throw new JwtException("KEY_UNKNOWN", "no key of the JWKS has this kid");
        }
        if (!"RSA".equals(jwk.get("kty")) || !"sig".equals(jwk.getOrDefault("use", "sig"))
                || !"RS256".equals(jwk.getOrDefault("alg", "RS256"))) {
            throw new JwtException("KEY_INVALID", "the JWK is not an RSA key for RS256 signatures");
        }
        BigInteger n = jwkUint(jwk, "n", 8192 / 8);
        BigInteger e = jwkUint(jwk, "e", 8);
        if (n.bitLength() < 2048 || !e.testBit(0) || e.compareTo(BigInteger.valueOf(3)) < 0) {
            throw new JwtException("KEY_INVALID",
                    "n is not of 2048 to 8192 bits, or e is not odd and at least 3");
        }
        return rsaKey(new RSAPublicKeySpec(n, e));
    }

    /** A JWK's Base64urlUInt (RFC 7518 section 2): strict base64url of the fewest octets. */
    private static BigInteger jwkUint(Map<String, Object> jwk, String name, int maxOctets)
            throws JwtException {
        byte[] bytes = {};
        try {
            if (jwk.get(name) instanceof String text && text.length() <= (maxOctets * 4 + 2) / 3) {
                bytes = unbase64(text);
            }
        } catch (JwtException ex) {
            bytes = new byte[0];
        }
        if (bytes.length == 0 || bytes[0] == 0 || bytes.length > maxOctets) {
            throw new JwtException("KEY_INVALID",
                    "the JWK's " + name + " is not a minimal base64url integer");
        }
        return new BigInteger(1, bytes);
    }

    private static void verifyRs256(PublicKey key, Parsed token) throws JwtException {
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(key);
            rsa.update(token.signingInput().getBytes(StandardCharsets.US_ASCII));
            // Java refuses a signature of another length than the key's, so no byte in front.
            if (rsa.verify(token.signature())) {
                return;
            }
        } catch (GeneralSecurityException ex) {
            // a malformed signature is a bad signature
        }
        throw new JwtException("SIG_INVALID", "the RS256 signature does not match");
    }

    /** A NumericDate here is a non-negative JSON integer within a long: not 1.0, not 1e9. */
    private static Long numericDate(Map<String, Object> claims, String name, boolean required)
            throws JwtException {
        String status = name.toUpperCase(Locale.ROOT);
        if (!claims.containsKey(name)) {
            if (required) {
                throw new JwtException(status + "_MISSING", "no " + name);
            }
            return null;
        }
        Object v = claims.get(name);
        if (!(v instanceof Long) || (Long) v < 0) {
            throw new JwtException(status + "_TYPE", name + " is not an integer NumericDate");
        }
        return (Long) v;
    }

    /** The time claims with the leeway, then {@code aud} when one is expected. */
    private static void checkClaims(Map<String, Object> claims, long now, long leeway,
            String audience) throws JwtException {
        long exp = numericDate(claims, "exp", true);
        long iat = numericDate(claims, "iat", true);
        Long nbf = numericDate(claims, "nbf", false);
        // now - leeway, never exp + leeway: exp may be the largest long.
        if (now - leeway >= exp) {
            throw new JwtException("EXP_EXPIRED", "the token has expired");
        }
        if (iat > now + leeway) {
            throw new JwtException("IAT_IN_FUTURE", "the token was issued in the future");
        }
        if (nbf != null && nbf > now + leeway) {
            throw new JwtException("NBF_NOT_YET", "the token is not valid yet");
        }
        if (exp <= iat) {
            throw new JwtException("EXP_BEFORE_IAT", "exp is not after iat");
        }
        if (audience != null) {
            Object aud = claims.get("aud");
            if (aud == null) {
                throw new JwtException("AUD_MISSING", "no aud");
            }
            if (!(aud instanceof List<?> list ? list.contains(audience) : audience.equals(aud))) {
                throw new JwtException("AUD_MISMATCH", "aud is not " + audience);
            }
        }
    }

    /**
     * The request's hash, or the literal context-qsh on a context endpoint only: taking it
     * anywhere else was CVE-2021-26073 and CVE-2021-26074.
     */
    private static void checkQsh(Map<String, Object> claims, Qsh.Request request, Kind kind)
            throws JwtException {
        if (!claims.containsKey("qsh")) {
            throw new JwtException("QSH_MISSING", "no qsh");
        }
        Object claim = claims.get("qsh");
        if ("context-qsh".equals(claim)) {
            if (kind != Kind.CONTEXT) {
                throw new JwtException("QSH_CONTEXT_NOT_ALLOWED", "context-qsh on this endpoint");
            }
            return;
        }
        if (!(claim instanceof String && LOWER_HEX.matcher((String) claim).matches())) {
            throw new JwtException("QSH_TYPE", "qsh is not 64 lower-case hex digits");
        }
        String expected;
        try {
            expected = Qsh.qsh(request);
        } catch (Qsh.QshException ex) {
            throw new JwtException("REQUEST_INVALID", ex.getMessage());
        }
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                ((String) claim).getBytes(StandardCharsets.US_ASCII))) {
            throw new JwtException("QSH_MISMATCH", "qsh is not the hash of this request");
        }
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(String secret, String input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(input.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("every Java platform has HmacSHA256", ex);
        }
    }
}
