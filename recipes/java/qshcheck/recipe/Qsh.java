package qshcheck.recipe;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The query string hash (qsh) of Atlassian Connect, as docs/RULES.md states it: the canonical
 * request of an HTTP request as sent, and its SHA-256. What the rules cannot canonicalize is a
 * {@link QshException}, never a guess.
 */
public final class Qsh {
    /** SERVER hashes the path as sent (a product verifying a call), PRODUCT the decoded path. */
    public enum Profile { SERVER, PRODUCT }

    /** A request as sent; baseUrl is "" for none, body and contentType may be null. */
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

    /** The scheme and authority of an absolute URL (or neither), path, query and fragment. */
    private static final Pattern URL = Pattern.compile(
            "(?s)(?:([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*))?([^?#]*)(?:\\?([^#]*))?(#.*)?");
    /** A host without userinfo, and a port of up to 5 digits after its leading zeros, or none. */
    private static final Pattern AUTHORITY =
            Pattern.compile("(\\[[^\\]@]+\\]|[^:@\\[\\]]+)(?::0*([0-9]{1,5})|:)?");
    /** The form media type as Tomcat reads it: these very letters before any ';', trimmed. */
    private static final Pattern FORM =
            Pattern.compile("[ \t]*application/x-www-form-urlencoded[ \t]*(;.*)?", Pattern.DOTALL);
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern ON_THE_WIRE = Pattern.compile("[\\x21-\\x7e]*");

    private Qsh() {}

    private static void require(boolean holds, String status, String why) throws QshException {
        if (!holds) {
            throw new QshException(status, why);
        }
    }

    /** The qsh claim: lower-case hex SHA-256 of the UTF-8 bytes of the canonical request. */
    public static String qsh(Request request) throws QshException {
        byte[] canonical = canonicalRequest(request).getBytes(StandardCharsets.UTF_8);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** {@code METHOD&URI&QUERY}. */
    public static String canonicalRequest(Request r) throws QshException {
        require(!r.method().isEmpty(), "QSH_E_METHOD_EMPTY", "the method is empty");
        require(r.method().getBytes(StandardCharsets.UTF_8).length <= 64, "QSH_E_METHOD_TOO_LONG",
                "over 64 bytes");
        require(TOKEN.matcher(r.method()).matches(), "QSH_E_METHOD_INVALID", "not a token");
        require(!r.target().isEmpty(), "QSH_E_TARGET_EMPTY", "the request target is empty");
        onTheWire(r.target(), 1024 * 1024, "QSH_E_TARGET_TOO_LONG", "QSH_E_TARGET_BYTE");
        // SERVER hashes the paths as sent (their escapes checked); PRODUCT the decoded paths.
        boolean product = r.profile() == Profile.PRODUCT;
        Matcher base = URL.matcher(r.baseUrl());
        String basePath = "";
        String baseOrigin = null; // none for a base URL of ""
        if (!r.baseUrl().isEmpty()) {
            onTheWire(r.baseUrl(), 4096, "QSH_E_BASE_URL_TOO_LONG", "QSH_E_BASE_URL_INVALID");
            require(base.matches() && base.group(1) != null && base.group(4) == null
                    && base.group(5) == null, "QSH_E_BASE_URL_INVALID", "not absolute, or a query");
            byte[] raw = unescape(base.group(3), false, "QSH_E_BASE_URL_INVALID");
            basePath = product ? utf8(raw, "QSH_E_BASE_URL_INVALID") : base.group(3);
            baseOrigin = origin(base, "QSH_E_BASE_URL_INVALID", "QSH_E_BASE_URL_INVALID");
        }
        // Tomcat reads a form body only for the method POST as sent (not "post", not PUT).
        boolean form = r.method().equals("POST") && r.contentType() != null
                && FORM.matcher(r.contentType()).matches();
        String body = form && r.body() != null ? r.body() : "";
        onTheWire(body, 4 * 1024 * 1024, "QSH_E_BODY_TOO_LONG", "QSH_E_BODY_BYTE");
        Matcher target = URL.matcher(r.target());
        target.matches(); // always true: all but the path are optional
        if (target.group(1) != null) {
            String origin = origin(target, "QSH_E_URL_SCHEME", "QSH_E_URL_INVALID");
            // The servers use the path of any origin; it is only relative to the base on its own.
            require(baseOrigin == null || baseOrigin.equals(origin), "QSH_E_ORIGIN_MISMATCH",
                    "the target is on another origin");
        }
        byte[] path = unescape(target.group(3), false, "QSH_E_PERCENT_MALFORMED");
        String uri = canonicalUri(product ? utf8(path, "QSH_E_UTF8_INVALID") : target.group(3),
                basePath);
        String query = canonicalQuery(target.group(4) == null ? "" : target.group(4), body);
        // Locale.ROOT: a Turkish locale would upper-case 'i' to a dotted capital I.
        return r.method().toUpperCase(Locale.ROOT) + "&" + uri + "&" + query;
    }

    /** A space, a control or a non-ASCII character cannot be sent in a request line or body. */
    private static void onTheWire(String s, int max, String tooLong, String badByte)
            throws QshException {
        require(s.getBytes(StandardCharsets.UTF_8).length <= max, tooLong, "over the limit");
        require(ON_THE_WIRE.matcher(s).matches(), badByte, "a space, control or non-ASCII byte");
    }

    /** {@code scheme://host:port}, lower-cased, the port explicit: https://H is https://h:443. */
    private static String origin(Matcher url, String schemeStatus, String invalidStatus)
            throws QshException {
        String scheme = url.group(1).toLowerCase(Locale.ROOT);
        require(scheme.equals("http") || scheme.equals("https"), schemeStatus, "not http(s)");
        Matcher authority = AUTHORITY.matcher(url.group(2));
        require(authority.matches(), invalidStatus, "no host, userinfo, or a bad port");
        int port = authority.group(2) != null ? Integer.parseInt(authority.group(2)) // 0080 is 80
                : scheme.equals("http") ? 80 : 443; // an empty port is the default one
        require(port <= 65535, invalidStatus, "a port over 65535");
        return scheme + "://" + authority.group(1).toLowerCase(Locale.ROOT) + ":" + port;
    }

    private static String canonicalUri(String path, String basePath) {
        // The base path comes off on a segment boundary only: /wiki/x -> /x, /wikipedia/x stays.
        basePath = basePath.replaceFirst("/+$", "");
        boolean under = path.equals(basePath) || path.startsWith(basePath + "/");
        path = !basePath.isEmpty() && under ? path.substring(basePath.length()) : path;
        int end = path.length() > 1 && path.endsWith("/") ? path.length() - 1 : path.length();
        // Exactly one trailing slash goes (/p// -> /p/); a raw & must not hash like a separator.
        return (path.startsWith("/") ? "" : "/") + path.substring(0, end).replace("&", "%26");
    }

    /** Percent-decodes {@code s} (and '+' as a space in form data) into UTF-8 text. */
    static String decode(String s, boolean formData, String badEscape) throws QshException {
        return utf8(unescape(s, formData, badEscape), "QSH_E_UTF8_INVALID");
    }

    /** The bytes {@code s} percent-decodes to, with '+' as a space in form data. */
    private static byte[] unescape(String s, boolean formData, String status) throws QshException {
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[in.length];
        int n = 0;
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%') {
                require(i + 2 < in.length && HexFormat.isHexDigit(in[i + 1])
                        && HexFormat.isHexDigit(in[i + 2]), status, "a bad '%' escape");
                out[n++] = (byte) (HexFormat.fromHexDigit(in[++i]) << 4
                        | HexFormat.fromHexDigit(in[++i]));
            } else {
                out[n++] = in[i] == '+' && formData ? (byte) ' ' : in[i];
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** The text of UTF-8 {@code bytes}; what is not UTF-8 is refused with {@code status}. */
    private static String utf8(byte[] bytes, String status) throws QshException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        // Overlongs, surrogates, code points past U+10FFFF: U+FFFD, which encodes otherwise.
        require(Arrays.equals(text.getBytes(StandardCharsets.UTF_8), bytes), status, "not UTF-8");
        return text;
    }

    /** The query's and the form body's parameters, merged as a servlet's parameter map is. */
    private static String canonicalQuery(String query, String body) throws QshException {
        TreeMap<String, List<String>> groups = new TreeMap<>(); // by encoded name
        for (String piece : (query + "&" + body).split("&")) { // only '&': ';' is data
            String[] pair = piece.split("=", 2); // at the first '='
            String name = decode(pair[0], true, "QSH_E_PERCENT_MALFORMED");
            String value = decode(pair.length > 1 ? pair[1] : "", true, "QSH_E_PERCENT_MALFORMED");
            // An empty name (or piece) is dropped, as Tomcat does; "jwt" exactly is the token.
            if (!name.isEmpty() && !name.equals("jwt")) {
                groups.computeIfAbsent(percentEncode(name), k -> new ArrayList<>()).add(value);
            }
        }
        // Names sort by their encoded bytes (ASCII, so String order); values by String.compareTo,
        // the UTF-16 code-unit order the rules ask for (not the byte order of encoded values).
        return groups.entrySet().stream()
                .map(group -> group.getKey() + "=" + group.getValue().stream().sorted()
                        .map(Qsh::percentEncode).collect(Collectors.joining(",")))
                .collect(Collectors.joining("&"));
    }

    /** Every UTF-8 byte outside {@code A-Z a-z 0-9 - . _ ~} as %XX, upper-case hex. */
    static String percentEncode(String text) {
        // URLEncoder does so but for three: a space is '+' ('+' is %2B), '*' stays, '~' is %7E.
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20")
                .replace("*", "%2A").replace("%7E", "~");
    }
}
