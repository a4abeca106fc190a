package qshcheck.recipe;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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
    private static final Pattern ON_THE_WIRE = Pattern.compile("[\\x21-\\x7e]*");

    private Qsh() {}

    /** One rule of the input: refused with {@code status} unless it holds. */
    private static void require(boolean holds, String status, String message)
            throws QshException {
        if (!holds) {
            throw new QshException(status, message);
        }
    }

    /** The qsh claim: lower-case hex SHA-256 of the canonical request. */
    public static String qsh(Request request) throws QshException {
        return sha256Hex(canonicalRequest(request));
    }

    /** {@code METHOD&URI&QUERY}. */
    public static String canonicalRequest(Request r) throws QshException {
        String method = canonicalMethod(r.method());
        require(!r.target().isEmpty(), "QSH_E_TARGET_EMPTY", "the request target is empty");
        require(utf8Length(r.target()) <= MAX_TARGET_LEN, "QSH_E_TARGET_TOO_LONG",
                "the request target is over 1 MiB");
        onTheWire(r.target(), "QSH_E_TARGET_BYTE", "the request target");
        Matcher base = r.baseUrl().isEmpty() ? null : baseUrl(r.baseUrl()); // "" for none
        String baseOrigin = base == null ? null
                : origin(base, "QSH_E_BASE_URL_INVALID", "QSH_E_BASE_URL_INVALID");
        String basePath = base == null ? "" : base.group(3);
        String body = formBody(r);

        String rest = r.target();
        Matcher absolute = ABSOLUTE.matcher(rest);
        if (absolute.matches()) {
            String origin = origin(absolute, "QSH_E_URL_SCHEME", "QSH_E_URL_INVALID");
            // The servers use the path of any origin; it is only relative to the base on its own.
            require(baseOrigin == null || baseOrigin.equals(origin), "QSH_E_ORIGIN_MISMATCH",
                    "the target is on another origin");
            rest = absolute.group(3);
        }
        String[] pathQuery = rest.split("#", 2)[0].split("\\?", 2); // the fragment is never sent
        String path = pathQuery[0];
        String query = pathQuery.length > 1 ? pathQuery[1] : "";

        List<String[]> params = new ArrayList<>();
        parseParams(query, params);
        parseParams(body, params); // merged, as a servlet's parameter map merges them
        return method + "&" + canonicalUri(path, basePath, r.profile()) + "&"
                + canonicalQuery(params);
    }

    /** Upper-cased by ASCII rules only: a Turkish locale would turn 'i' into a dotted I. */
    private static String canonicalMethod(String method) throws QshException {
        require(!method.isEmpty(), "QSH_E_METHOD_EMPTY", "the method is empty");
        require(utf8Length(method) <= MAX_METHOD_LEN, "QSH_E_METHOD_TOO_LONG",
                "the method is over 64 bytes");
        require(TOKEN.matcher(method).matches(), "QSH_E_METHOD_INVALID",
                "the method is not a token");
        return method.toUpperCase(Locale.ROOT);
    }

    /** A space, a control or a non-ASCII character cannot be sent in a request line or body. */
    private static void onTheWire(String s, String status, String what) throws QshException {
        require(ON_THE_WIRE.matcher(s).matches(), status,
                what + " has a space, a control or a non-ASCII character");
    }

    /**
     * The body counts exactly as Tomcat reads it: the method as sent is POST and the media type
     * (before any ';', blanks trimmed) is the form type in these very letters.
     */
    private static String formBody(Request r) throws QshException {
        String type = r.contentType() == null ? "" : r.contentType();
        String media = type.split(";", -1)[0].replaceAll("^[ \t]+|[ \t]+$", "");
        if (!"POST".equals(r.method()) || !media.equals("application/x-www-form-urlencoded")) {
            return ""; // no parameters from the body
        }
        String body = r.body() == null ? "" : r.body();
        require(utf8Length(body) <= MAX_BODY_LEN, "QSH_E_BODY_TOO_LONG", "the body is over 4 MiB");
        onTheWire(body, "QSH_E_BODY_BYTE", "the form body");
        return body;
    }

    /** An absolute http(s) URL with no query, fragment or bad escape. */
    private static Matcher baseUrl(String url) throws QshException {
        require(utf8Length(url) <= MAX_BASE_URL_LEN, "QSH_E_BASE_URL_TOO_LONG",
                "the base URL is over 4096 bytes");
        onTheWire(url, "QSH_E_BASE_URL_INVALID", "the base URL");
        Matcher m = ABSOLUTE.matcher(url);
        require(m.matches() && !m.group(3).contains("?") && !m.group(3).contains("#"),
                "QSH_E_BASE_URL_INVALID", "not an absolute URL without query");
        decode(m.group(3), false, "QSH_E_BASE_URL_INVALID");
        return m;
    }

    /**
     * {@code scheme://host:port}, lower-cased with the port explicit (https://h and
     * https://H:443 are one origin): http(s) only, a host, no userinfo, a port up to 65535.
     */
    private static String origin(Matcher url, String schemeStatus, String invalidStatus)
            throws QshException {
        String scheme = url.group(1).toLowerCase(Locale.ROOT);
        require(scheme.equals("http") || scheme.equals("https"), schemeStatus,
                "not an http(s) URL");
        Matcher authority = AUTHORITY.matcher(url.group(2));
        require(!url.group(2).contains("@") && authority.matches(), invalidStatus,
                "no host, or userinfo, or a bad port");
        int port = scheme.equals("http") ? 80 : 443; // an empty port is the default one
        if (authority.group(2) != null && !authority.group(2).isEmpty()) {
            String digits = authority.group(2).replaceFirst("^0+(?=.)", ""); // 0080 is 80
            require(digits.length() <= 5 && Integer.parseInt(digits) <= 65535, invalidStatus,
                    "a port over 65535");
            port = Integer.parseInt(digits);
        }
        return scheme + "://" + authority.group(1).toLowerCase(Locale.ROOT) + ":" + port;
    }

    private static String canonicalUri(String path, String basePath, Profile profile)
            throws QshException {
        // SERVER hashes the path as sent (checked that it decodes); PRODUCT the decoded paths.
        String decoded = decode(path, false, "QSH_E_PERCENT_MALFORMED");
        if (profile == Profile.PRODUCT) {
            path = decoded;
            basePath = decode(basePath, false, "QSH_E_BASE_URL_INVALID");
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
                // ASCII only: Character.digit also takes the digits of other scripts.
                require(lo >= 0 && s.charAt(i + 1) < 0x80 && s.charAt(i + 2) < 0x80,
                        malformedStatus, "a '%' without two hex digits");
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c == '+' && plusIsSpace ? ' ' : c)
                        .getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            // The strict decoder refuses overlongs, surrogates and code points past U+10FFFF.
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
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
            String[] nameValue = piece.split("=", 2);
            String name = decode(nameValue[0], true, "QSH_E_PERCENT_MALFORMED");
            String value = decode(nameValue.length > 1 ? nameValue[1] : "", true,
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
        // Values sort by String.compareTo, UTF-16 code-unit order, the order the rules ask for
        // (not the byte order of the encoded values).
        return groups.entrySet().stream()
                .map(group -> group.getKey() + "=" + group.getValue().stream().sorted()
                        .map(Qsh::percentEncode).collect(Collectors.joining(",")))
                .collect(Collectors.joining("&"));
    }

    /**
     * Every UTF-8 byte outside {@code A-Z a-z 0-9 - . _ ~} as %XX, upper-case hex. URLEncoder
     * does so but for three: a space is '+' (a '+' itself is %2B), '*' stays, '~' is %7E.
     */
    static String percentEncode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20")
                .replace("*", "%2A").replace("%7E", "~");
    }

    /** Lower-case hex SHA-256 of the UTF-8 bytes of {@code text}. */
    static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
