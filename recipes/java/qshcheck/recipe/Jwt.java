package qshcheck.recipe;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Connect JWTs: signing an app's call to a product (HS256) and verifying what a product sends to
 * the app, in the order of docs/RULES.md "Connect JWTs", so that the first failure is always
 * the same one. The standard library only: HMAC and RSA from java.security, JSON from {@link
 * Json}.
 */
public final class Jwt {
    public static final int MAX_TOKEN_LEN = 8192;
    public static final int MAX_JSON_DEPTH = 16;
    /** An app-to-product token lives three minutes, as Atlassian's own libraries sign them. */
    public static final long LIFETIME = 180;

    /** The endpoint a token arrives at, which decides what it may carry. */
    public enum Kind { MODULE, WEBHOOK, CONTEXT, INSTALL, APP_TO_PRODUCT }

    /**
     * What the verifier expects: the clock, {@code aud} and the install's clientKey where the
     * endpoint requires them (else null), the shared secrets by {@code iss}, and Atlassian's
     * public keys (PEM) by {@code kid} for signed installs.
     */
    public record Expect(Kind kind, long now, long leeway, String audience, String clientKey,
            Map<String, String> secrets, Map<String, String> publicKeys) {}

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
        String token = carriedToken(authorization, request.target());
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new JwtException("SEGMENTS", "a compact JWT has three segments");
        }
        Map<String, Object> header = object(unbase64(parts[0]));
        Map<String, Object> claims = object(unbase64(parts[1]));
        byte[] signature = unbase64(parts[2]);

        boolean install = e.kind() == Kind.INSTALL;
        if (!(install ? "RS256" : "HS256").equals(header.get("alg"))) {
            throw new JwtException("ALG_NOT_ALLOWED", install ? "not RS256" : "not HS256");
        }
        if (header.containsKey("crit")) {
            throw new JwtException("CRIT_UNSUPPORTED", "no crit extension is understood");
        }
        // jku, jwk, x5u and x5c are never read; a kid is checked before anything looks it up.
        Object kid = header.get("kid");
        if ((install || header.containsKey("kid"))
                && !(kid instanceof String && KID.matcher((String) kid).matches())) {
            throw new JwtException("KID_INVALID", "kid is not 1 to 128 of A-Z a-z 0-9 . _ -");
        }
        byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        if (install) {
            verifyRs256(e.publicKeys().get((String) kid), signed, signature);
        } else {
            if (!(claims.get("iss") instanceof String)) {
                throw new JwtException("ISS_MISSING", "iss must be a string");
            }
            String secret = e.secrets().get((String) claims.get("iss"));
            if (secret == null) {
                throw new JwtException("ISS_UNKNOWN", "no tenant has this iss");
            }
            // Constant time, so the response time says nothing about a forged signature.
            if (!MessageDigest.isEqual(hmac(secret, parts[0] + "." + parts[1]), signature)) {
                throw new JwtException("SIG_INVALID", "the HS256 signature does not match");
            }
        }

        checkTimes(claims, e);
        if (e.audience() != null) {
            Object aud = claims.get("aud");
            if (aud == null) {
                throw new JwtException("AUD_MISSING", "no aud");
            }
            boolean matches = aud instanceof List ? ((List<?>) aud).contains(e.audience())
                    : e.audience().equals(aud);
            if (!matches) {
                throw new JwtException("AUD_MISMATCH", "aud is not " + e.audience());
            }
        }
        if (install && !(claims.get("iss") instanceof String
                && claims.get("iss").equals(e.clientKey()))) {
            throw new JwtException("ISS_MISMATCH", "iss is not the installation's clientKey");
        }
        checkQsh(claims, request, e.kind());
        return claims;
    }

    /** One carrier: "Authorization: JWT <token>" (exactly so) or one jwt query parameter. */
    private static String carriedToken(String authorization, String target) throws JwtException {
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
        String token;
        if (authorization != null && count > 0 || count > 1) {
            throw new JwtException("CARRIAGE_AMBIGUOUS", "more than one token");
        } else if (authorization != null) {
            if (!authorization.startsWith("JWT ") || authorization.length() == 4
                    || authorization.indexOf(' ', 4) >= 0) {
                throw new JwtException("CARRIAGE_SCHEME", "the header is not \"JWT <token>\"");
            }
            token = authorization.substring(4);
        } else if (count == 1) {
            token = param;
        } else {
            throw new JwtException("CARRIAGE_MISSING", "no token");
        }
        if (token.length() > MAX_TOKEN_LEN) {
            throw new JwtException("TOKEN_TOO_LARGE", "the token is over 8 KiB");
        }
        return token;
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

    private static void verifyRs256(String pem, byte[] signed, byte[] signature)
            throws JwtException {
        if (pem == null) {
            throw new JwtException("KEY_UNKNOWN", "no public key has this kid");
        }
        PublicKey key;
        try {
            String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----|\\s", "");
            key = KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException ex) {
            throw new JwtException("KEY_INVALID", "the kid names a key that is not RSA");
        }
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(key);
            rsa.update(signed);
            // Java refuses a signature of another length than the key's, so no byte in front.
            if (rsa.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException ex) {
            // a malformed signature is a bad signature
        }
        throw new JwtException("SIG_INVALID", "the RS256 signature does not match");
    }

    /** A NumericDate here is a non-negative JSON integer within a long: not 1.0, not 1e9. */
    private static Long numericDate(Map<String, Object> claims, String name, String missing)
            throws JwtException {
        if (!claims.containsKey(name)) {
            if (missing != null) {
                throw new JwtException(missing, "no " + name);
            }
            return null;
        }
        Object v = claims.get(name);
        if (!(v instanceof Long) || (Long) v < 0) {
            throw new JwtException(name.toUpperCase(java.util.Locale.ROOT) + "_TYPE",
                    name + " is not an integer NumericDate");
        }
        return (Long) v;
    }

    private static void checkTimes(Map<String, Object> claims, Expect e) throws JwtException {
        long exp = numericDate(claims, "exp", "EXP_MISSING");
        long iat = numericDate(claims, "iat", "IAT_MISSING");
        // now - leeway, never exp + leeway: exp may be the largest long.
        if (e.now() - e.leeway() >= exp) {
            throw new JwtException("EXP_EXPIRED", "the token has expired");
        }
        if (iat > e.now() + e.leeway()) {
            throw new JwtException("IAT_IN_FUTURE", "the token was issued in the future");
        }
        Long nbf = numericDate(claims, "nbf", null);
        if (nbf != null && nbf > e.now() + e.leeway()) {
            throw new JwtException("NBF_NOT_YET", "the token is not valid yet");
        }
        if (exp <= iat) {
            throw new JwtException("EXP_BEFORE_IAT", "exp is not after iat");
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
