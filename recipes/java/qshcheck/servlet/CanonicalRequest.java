package qshcheck.servlet;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.servlet.http.HttpServletRequest;

/**
 * The canonical request of an {@link HttpServletRequest} and its qsh, computed as a servlet host
 * computes them when it verifies a Connect JWT: Atlassian's atlassian-jwt
 * {@code HttpRequestCanonicalizer} over {@code CanonicalHttpServletRequest}.
 *
 * <p>Everything the container decides enters through three calls: {@code getRequestURI()} (the
 * path as sent, not decoded), {@code getContextPath()} and {@code getParameterMap()} (the
 * container's parsing of the query and, where it reads one, of the form body). So the same
 * request can canonicalize differently in different containers; this class adds nothing of its
 * own on top of what the container hands it.
 */
public final class CanonicalRequest {
    /** The query parameter that carries the token; it is never part of its own hash. */
    public static final String JWT_PARAMETER = "jwt";

    private CanonicalRequest() {}

    /** {@code METHOD "&" CANONICAL_URI "&" CANONICAL_QUERY} of the request. */
    public static String of(HttpServletRequest request) {
        return canonicalMethod(request.getMethod())
                + "&"
                + canonicalUri(relativePath(request.getRequestURI(), request.getContextPath()))
                + "&"
                + canonicalQuery(request.getParameterMap());
    }

    /** Lower-case hex SHA-256 of the UTF-8 bytes of the canonical request. */
    public static String qsh(HttpServletRequest request) {
        return sha256Hex(of(request));
    }

    /** Lower-case hex SHA-256 of the UTF-8 bytes of {@code canonicalRequest}. */
    public static String sha256Hex(String canonicalRequest) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256 (java.security.MessageDigest's contract).
            throw new IllegalStateException(e);
        }
        byte[] digest = sha256.digest(canonicalRequest.getBytes(StandardCharsets.UTF_8));
        StringBuilder hex = new StringBuilder(2 * digest.length);
        for (byte b : digest) {
            hex.append(Character.forDigit((b >> 4) & 0xf, 16))
                    .append(Character.forDigit(b & 0xf, 16));
        }
        return hex.toString();
    }

    /**
     * The method upper-cased. atlassian-jwt calls {@code StringUtils.upperCase}, which uses the
     * default locale; the root locale gives the same result for every HTTP method token except in
     * a Turkish or Azeri default locale, where 'i' would become a dotted capital I.
     */
    static String canonicalMethod(String method) {
        return method.toUpperCase(Locale.ROOT);
    }

    /**
     * The request URI less the context path. Both are raw (percent-escapes as sent), so the prefix
     * is removed as text; the container guarantees that the request URI starts with the context
     * path it reports for that request.
     */
    static String relativePath(String requestUri, String contextPath) {
        if (contextPath == null || contextPath.isEmpty() || !requestUri.startsWith(contextPath)) {
            return requestUri;
        }
        return requestUri.substring(contextPath.length());
    }

    /**
     * atlassian-jwt's {@code canonicalizeUri}, in its order: one trailing '/' removed, then a
     * blank result becomes "/", then every '&' becomes "%26" (without it {@code /p&a=b?x=y} and
     * {@code /p?a=b&x=y} would hash alike), then a leading '/' is added if missing.
     */
    static String canonicalUri(String relativePath) {
        String path = relativePath.endsWith("/")
                ? relativePath.substring(0, relativePath.length() - 1)
                : relativePath;
        // StringUtils.defaultIfBlank: "blank" is empty or only whitespace (Character.isWhitespace).
        if (path.chars().allMatch(Character::isWhitespace)) {
            path = "/";
        }
        path = path.replace("&", "%26");
        return path.startsWith("/") ? path : "/" + path;
    }

    /**
     * The parameter map, less {@code jwt}, as {@code name=v1,v2} pieces joined with '&'. Each
     * name's values are sorted as decoded Java strings (UTF-16 code-unit order, not the order of
     * their encoded forms), then encoded and joined with ','; the pieces are sorted by encoded
     * name. A name is compared as the container decoded it: {@code JWT} or {@code jwt%20} stays.
     */
    static String canonicalQuery(Map<String, String[]> parameters) {
        if (parameters == null) {
            return "";
        }
        List<String[]> pieces = new ArrayList<>(parameters.size()); // {encoded name, piece}
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            if (JWT_PARAMETER.equals(parameter.getKey())) {
                continue;
            }
            List<String> values = new ArrayList<>(Arrays.asList(parameter.getValue()));
            Collections.sort(values);
            // Joined by position, not by "is the text so far empty": an empty first value
            // still takes its comma ("?a&a=" is "a=,").
            StringBuilder joined = new StringBuilder();
            for (int i = 0; i < values.size(); i++) {
                joined.append(i > 0 ? "," : "").append(percentEncode(values.get(i)));
            }
            String name = percentEncode(parameter.getKey());
            pieces.add(new String[] {name, name + "=" + joined});
        }
        // Encoded names are ASCII, so String order is byte order here. The sort is stable, so
        // two names that encode alike keep the map's order (only unpaired surrogates, which
        // URLEncoder turns into '?', could do that).
        pieces.sort((a, b) -> a[0].compareTo(b[0]));
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < pieces.size(); i++) {
            query.append(i > 0 ? "&" : "").append(pieces.get(i)[1]);
        }
        return query.toString();
    }

    /**
     * atlassian-jwt's {@code JwtUtil.percentEncode}: URLEncoder (UTF-8; keeps {@code A-Z a-z 0-9
     * . - * _}, writes a space as '+') corrected to RFC 3986's unreserved set: '+' to "%20" (a
     * literal '+' was already "%2B"), '*' to "%2A", and "%7E" back to '~'.
     */
    static String percentEncode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8)
                .replace("+", "%20")
                .replace("*", "%2A")
                .replace("%7E", "~");
    }
}
