package qshcheck.recipe;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The query string hash (qsh) of Atlassian Connect: the canonical request of an HTTP request as
 * sent, and its SHA-256, as docs/RULES.md states them. Input the rules cannot canonicalize is a
 * {@link QshException}, never a guess. (Inside a servlet, qshcheck.servlet.CanonicalRequest
 * computes it from what the container parsed instead.)
 */
public final class Qsh {
    public static final int MAX_METHOD_LEN = 64;
    public static final int MAX_TARGET_LEN = 1024 * 1024;
    public static final int MAX_BASE_URL_LEN = 4096;
    public static final int MAX_BODY_LEN = 4 * 1024 * 1024;

    /**
     * SERVER: what a product computes for a request it receives (the path as sent). PRODUCT: what
     * a product signs when it calls an app (the percent-decoded path).
     */
    public enum Profile { SERVER, PRODUCT }

    /**
     * A request as sent: {@code target} is {@code /path?query} or an absolute URL, {@code
     * baseUrl} the tenant's (or the app's) base URL or "" for none; body and contentType may be
     * null.
     */
    public record Request(String method, String target, String baseUrl, Profile profile,
            String body, String contentType) {}

    /** Why a request cannot be canonicalized; {@code status} is the reference's name for it. */
    public static final class QshException extends Exception {
        private static final long serialVersionUID = 1L;
        public final String status;

        QshException(String status, String message) {
            super(status + ": " + message);
            this.status = status;
        }
    }

    private static final Pattern ABSOLUTE =
            Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)(.*)", Pattern.DOTALL);
    private static final Pattern AUTHORITY =
            Pattern.compile("(\\[[^\\]]+\\]|[^:\\[\\]]+)(?::([0-9]*))?");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private Qsh() {}

    /** The qsh claim: lower-case hex SHA-256 of the canonical request. */
    public static String qsh(Request request) throws QshException {
        return sha256Hex(canonicalRequest(request));
    }

    /** {@code METHOD&URI&QUERY}. */
    public static String canonicalRequest(Request r) throws QshException {
        String method = canonicalMethod(r.method());
        if (r.target().isEmpty()) {
            throw new QshException("QSH_E_TARGET_EMPTY", "the request target is empty");
        }
        if (utf8Length(r.target()) > MAX_TARGET_LEN) {
            throw new QshException("QSH_E_TARGET_TOO_LONG", "the request target is over 1 MiB");
        }
        onTheWire(r.target(), "QSH_E_TARGET_BYTE", "the request target");
        List<Object> baseOrigin = null;
        String basePath = "";
        if (!r.baseUrl().isEmpty()) {
            Matcher base = baseUrl(r.baseUrl());
            baseOrigin = origin(base, "QSH_E_BASE_URL_INVALID", "QSH_E_BASE_URL_INVALID");
            basePath = base.group(3);
        }
        String body = formBody(r);

        String rest = r.target();
        Matcher absolute = ABSOLUTE.matcher(rest);
        if (absolute.matches()) {
            List<Object> origin = origin(absolute, "QSH_E_URL_SCHEME", "QSH_E_URL_INVALID");
            // The servers use the path of any origin; it is only relative to the base on its own.
            if (baseOrigin != null && !baseOrigin.equals(origin)) {
                throw new QshException("QSH_E_ORIGIN_MISMATCH", "the target is on another origin");
            }
            rest = absolute.group(3);
        }
        int hash = rest.indexOf('#');
        rest = hash < 0 ? rest : rest.substring(0, hash);
        int question = rest.indexOf('?');
        String path = question < 0 ? rest : rest.substring(0, question);
        String query = question < 0 ? "" : rest.substring(question + 1);

        List<String[]> params = new ArrayList<>();
        parseParams(query, params);
        if (body != null) {
            parseParams(body, params); // merged, as a servlet's parameter map merges them
        }
        return method + "&" + canonicalUri(path, basePath, r.profile()) + "&"
                + canonicalQuery(params);
    }

    /** Upper-cased by ASCII rules only: a Turkish locale would turn 'i' into a dotted I. */
    private static String canonicalMethod(String method) throws QshException {
        if (method.isEmpty()) {
            throw new QshException("QSH_E_METHOD_EMPTY", "the method is empty");
        }
        if (utf8Length(method) > MAX_METHOD_LEN) {
            throw new QshException("QSH_E_METHOD_TOO_LONG", "the method is over 64 bytes");
        }
        if (!TOKEN.matcher(method).matches()) {
            throw new QshException("QSH_E_METHOD_INVALID", "the method is not a token");
        }
        return method.toUpperCase(Locale.ROOT);
    }

    /** A space, a control or a non-ASCII character cannot be sent in a request line or body. */
    private static void onTheWire(String s, String status, String what) throws QshException {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < 0x21 || s.charAt(i) > 0x7e) {
                throw new QshException(status, what + " has a character not sent so, at " + i);
            }
        }
    }

    /**
     * The body counts exactly as Tomcat reads it: the method as sent is POST and the media type
     * (before any ';', blanks trimmed) is the form type in these very letters.
     */
    private static String formBody(Request r) throws QshException {
        if (!"POST".equals(r.method()) || r.contentType() == null) {
            return null;
        }
        String media = r.contentType().split(";", -1)[0].replaceAll("^[ \t]+|[ \t]+$", "");
        if (!media.equals("application/x-www-form-urlencoded")) {
            return null;
        }
        String body = r.body() == null ? "" : r.body();
        if (utf8Length(body) > MAX_BODY_LEN) {
            throw new QshException("QSH_E_BODY_TOO_LONG", "the body is over 4 MiB");
        }
        onTheWire(body, "QSH_E_BODY_BYTE", "the form body");
        return body;
    }

    /** An absolute http(s) URL with no query, fragment or bad escape. */
    private static Matcher baseUrl(String url) throws QshException {
        if (utf8Length(url) > MAX_BASE_URL_LEN) {
            throw new QshException("QSH_E_BASE_URL_TOO_LONG", "the base URL is over 4096 bytes");
        }
        onTheWire(url, "QSH_E_BASE_URL_INVALID", "the base URL");
        Matcher m = ABSOLUTE.matcher(url);
        if (!m.matches() || m.group(3).contains("?") || m.group(3).contains("#")) {
            throw new QshException("QSH_E_BASE_URL_INVALID", "not an absolute URL without query");
        }
        decode(m.group(3), false, "QSH_E_BASE_URL_INVALID");
        return m;
    }

    /** [scheme, host, port] of http(s) only, a host, no userinfo, a port up to 65535. */
    private static List<Object> origin(Matcher url, String schemeStatus, String invalidStatus)
            throws QshException {
        String scheme = url.group(1).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new QshException(schemeStatus, "not an http(s) URL");
        }
        Matcher authority = AUTHORITY.matcher(url.group(2));
        if (url.group(2).contains("@") || !authority.matches()) {
            throw new QshException(invalidStatus, "no host, or userinfo, or a bad port");
        }
        String digits = authority.group(2) == null ? "" : authority.group(2);
        int port = scheme.equals("http") ? 80 : 443; // an empty port is the default one
        if (!digits.isEmpty()) {
            String value = digits.replaceFirst("^0+(?=.)", "");
            if (value.length() > 5 || Integer.parseInt(value) > 65535) {
                throw new QshException(invalidStatus, "a port over 65535");
            }
            port = Integer.parseInt(value);
        }
        return List.of(scheme, authority.group(1).toLowerCase(Locale.ROOT), port);
    }

    private static String canonicalUri(String path, String basePath, Profile profile)
            throws QshException {
        if (profile == Profile.PRODUCT) {
            path = decode(path, false, "QSH_E_PERCENT_MALFORMED");
            basePath = decode(basePath, false, "QSH_E_BASE_URL_INVALID");
        } else {
            decode(path, false, "QSH_E_PERCENT_MALFORMED"); // checked only: hashed as sent
        }
        // The base path comes off on a segment boundary only: /wiki/x -> /x, /wikipedia/x stays.
        basePath = basePath.replaceFirst("/+$", "");
        if (!basePath.isEmpty()
                && (path.equals(basePath) || path.startsWith(basePath + "/"))) {
            path = path.substring(basePath.length());
        }
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1); // one trailing slash: /p// -> /p/
        }
        if (!path.startsWith("/")) {
            path = "/" + path;
        }
        return path.replace("&", "%26"); // a raw & must not hash like a query separator
    }

    /** Percent-decodes {@code s} (and '+' as a space in form data) into UTF-8 text. */
    static String decode(String s, boolean plusIsSpace, String malformedStatus)
            throws QshException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (lo < 0 || s.charAt(i + 1) > 0x7f || s.charAt(i + 2) > 0x7f) {
                    throw new QshException(malformedStatus, "a '%' without two hex digits");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c == '+' && plusIsSpace ? ' ' : c)
                        .getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            // The strict decoder refuses overlongs, surrogates and code points past U+10FFFF.
            CharBuffer text = StandardCharsets.UTF_8.newDecoder()
                    .decode(ByteBuffer.wrap(bytes.toByteArray()));
            return text.toString();
        } catch (CharacterCodingException e) {
            throw new QshException("QSH_E_UTF8_INVALID", "the decoded bytes are not UTF-8");
        }
    }

    /** Splits on '&' only (';' is data), each piece at its first '='. */
    private static void parseParams(String data, List<String[]> out) throws QshException {
        for (String piece : data.split("&", -1)) {
            if (piece.isEmpty()) {
                continue;
            }
            int eq = piece.indexOf('=');
            String name = decode(eq < 0 ? piece : piece.substring(0, eq), true,
                    "QSH_E_PERCENT_MALFORMED");
            String value = decode(eq < 0 ? "" : piece.substring(eq + 1), true,
                    "QSH_E_PERCENT_MALFORMED");
            // An empty name is dropped, as Tomcat does; "jwt" exactly ("JWT" stays) is the token.
            if (!name.isEmpty() && !name.equals("jwt")) {
                out.add(new String[] {name, value});
            }
        }
    }

    /** Groups sorted by encoded name (ASCII, so String order is byte order), joined with '&'. */
    private static String canonicalQuery(List<String[]> params) {
        Map<String, List<String>> groups = new TreeMap<>();
        for (String[] p : params) {
            groups.computeIfAbsent(percentEncode(p[0]), k -> new ArrayList<>()).add(p[1]);
        }
        List<String> pieces = new ArrayList<>();
        for (Map.Entry<String, List<String>> group : groups.entrySet()) {
            // String.compareTo is UTF-16 code-unit order, the order the rules ask for (not the
            // byte order of the encoded values).
            List<String> values = group.getValue();
            Collections.sort(values);
            List<String> encoded = new ArrayList<>();
            values.forEach(v -> encoded.add(percentEncode(v)));
            pieces.add(group.getKey() + "=" + String.join(",", encoded));
        }
        return String.join("&", pieces);
    }

    /** Every UTF-8 byte outside {@code A-Z a-z 0-9 - . _ ~} as %XX, upper-case hex. */
    static String percentEncode(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    /** Lower-case hex SHA-256 of the UTF-8 bytes of {@code text}. */
    static String sha256Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(64);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 15, 16))
                        .append(Character.forDigit(b & 15, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
