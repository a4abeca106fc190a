package qshcheck.recipe;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Java recipe's program (recipes/README.md):
 *
 * <pre>
 *   Adapter                                             the qshcheck line protocol
 *   Adapter sign SECRET ISS NOW METHOD TARGET BASE_URL  "JWT &lt;token&gt;" for an app's call
 *   Adapter example NOW                                 "JWT &lt;token&gt;" for the seed example
 *   Adapter call SECRET ISS METHOD TARGET BASE_URL      signs now and sends the call: prints
 *                                                       the status, then the body
 * </pre>
 */
public final class Adapter {
    static final String NAME = "qshcheck-recipe-java";
    static final String VERSION = "1.0.0";

    private Adapter() {}

    /**
     * The seed example: an app calls Jira on a tenant whose base URL has a context path, which
     * the product strips before it hashes the request.
     */
    static String example(long now) throws Qsh.QshException {
        Qsh.Request request = new Qsh.Request("GET", "/jira/rest/api/latest/issue/TEST-2",
                "https://example.atlassian.net/jira", Qsh.Profile.SERVER, null, null);
        return Jwt.sign("example-shared-secret", "com.example.app", null, now, request);
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        try {
            if (args.length == 0) {
                serve(out);
            } else if (args.length == 7 && args[0].equals("sign")) {
                Qsh.Request request = new Qsh.Request(args[4], args[5], args[6],
                        Qsh.Profile.SERVER, null, null);
                out.println(Jwt.sign(args[1], args[2], null, Long.parseLong(args[3]), request));
            } else if (args.length == 2 && args[0].equals("example")) {
                out.println(example(Long.parseLong(args[1])));
            } else if (args.length == 6 && args[0].equals("call")) {
                out.flush();
                System.exit(call(args[1], args[2], args[3], args[4], args[5]));
            } else {
                System.err.println("usage: Adapter [sign SECRET ISS NOW METHOD TARGET BASE_URL"
                        + " | example NOW | call SECRET ISS METHOD TARGET BASE_URL]");
                System.exit(2);
            }
        } catch (Qsh.QshException | NumberFormatException e) {
            System.err.println("Adapter: " + e.getMessage());
            System.exit(1);
        }
        out.flush();
    }

    /**
     * Signs an app-to-product call at the current time and sends it to the base URL's origin
     * followed by the target, which already holds the context path. Returns the exit status: 0
     * when a response came, 1 on a transport error, 2 on bad arguments.
     */
    static int call(String secret, String iss, String method, String target, String baseUrl) {
        HttpRequest request;
        try {
            String authorization = Jwt.sign(secret, iss, null, System.currentTimeMillis() / 1000,
                    new Qsh.Request(method, target, baseUrl, Qsh.Profile.SERVER, null, null));
            URI base = URI.create(baseUrl);
            // HttpClient writes the URI's raw path and raw query into the request line (no
            // re-encoding, no dot segments resolved: the product hashes the very bytes that were
            // signed), so the URI must come from the one-string constructor, which keeps the text
            // as given; URI's other constructors and URLEncoder would encode it again. The one
            // change: a '?' with nothing after it is dropped, which changes no qsh.
            URI uri = URI.create(base.getScheme() + "://" + base.getRawAuthority() + target);
            request = HttpRequest.newBuilder(uri)
                    .method(method, HttpRequest.BodyPublishers.noBody())
                    .header("Authorization", authorization).timeout(Duration.ofSeconds(30)).build();
        } catch (Qsh.QshException | IllegalArgumentException e) {
            System.err.println("Adapter: cannot call " + target + " on " + baseUrl + ": "
                    + e.getMessage());
            return 2;
        }
        // HTTP/1.1: the default asks a plain-http server for an upgrade to HTTP/2 first.
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<byte[]> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException | InterruptedException e) {
            // e alone, not its message: HttpClient's ConnectException has none.
            System.err.println("Adapter: " + method + " " + request.uri() + ": no response: " + e);
            return 1;
        }
        System.out.print(response.statusCode() + "\n");
        System.out.write(response.body(), 0, response.body().length);
        System.out.flush();
        return 0;
    }

    /** One JSON object a line each way, each answer flushed (harness/protocol/PROTOCOL.md). */
    private static void serve(PrintStream out) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
                StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            Map<?, ?> msg;
            try {
                msg = (Map<?, ?>) Json.parse(line, 64);
            } catch (Json.JsonException | ClassCastException e) {
                System.err.println("Adapter: a line that is not a JSON object: " + e.getMessage());
                continue;
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            if ("hello".equals(msg.get("type"))) {
                answer.put("type", "hello");
                answer.put("protocol", 1);
                answer.put("name", NAME);
                answer.put("version", VERSION);
                answer.put("operations", java.util.List.of("canonical", "qsh", "verify"));
                answer.put("profiles", java.util.List.of("server", "product"));
            } else {
                answer.put("id", msg.get("id"));
                answer.putAll(answer(msg));
            }
            out.print(Json.write(answer) + "\n");
            out.flush();
        }
    }

    private static Map<String, Object> error(String status, String message) {
        return Map.of("error", Map.of("status", status, "message", message));
    }

    private static String text(Map<?, ?> msg, String name) {
        return msg.get(name) instanceof String ? (String) msg.get(name) : null;
    }

    private static Map<String, Object> answer(Map<?, ?> msg) {
        Qsh.Profile profile;
        if ("server".equals(msg.get("profile"))) {
            profile = Qsh.Profile.SERVER;
        } else if ("product".equals(msg.get("profile"))) {
            profile = Qsh.Profile.PRODUCT;
        } else {
            return error("QSH_E_PROFILE_INVALID", "profile is server or product");
        }
        if (text(msg, "method") == null || text(msg, "target") == null) {
            return error("BAD_REQUEST", "method and target are strings");
        }
        String baseUrl = text(msg, "baseUrl") == null ? "" : text(msg, "baseUrl");
        Qsh.Request request = new Qsh.Request(text(msg, "method"), text(msg, "target"), baseUrl,
                profile, text(msg, "body"), text(msg, "contentType"));
        try {
            switch (String.valueOf(msg.get("op"))) {
                case "canonical":
                    return Map.of("result", Map.of("canonicalRequest",
                            Qsh.canonicalRequest(request), "qsh", Qsh.qsh(request)));
                case "qsh":
                    return Map.of("result", Map.of("qsh", Qsh.qsh(request)));
                case "verify":
                    return verify(msg, request);
                default:
                    return error("BAD_REQUEST", "op is canonical, qsh or verify");
            }
        } catch (Qsh.QshException e) {
            return error(e.status, e.getMessage());
        }
    }

    private static Map<String, Object> verify(Map<?, ?> msg, Qsh.Request request) {
        long now = number(msg.get("now"));
        long leeway = number(msg.get("leeway"));
        try {
            if ("forge-invocation".equals(msg.get("kind"))) {
                if (text(msg, "appId") == null) {
                    return error("BAD_REQUEST", "a Forge Invocation Token needs appId");
                }
                Jwt.verifyForgeInvocation(text(msg, "authorization"),
                        new Jwt.ForgeExpect(now, leeway, text(msg, "jwks"), text(msg, "appId")));
                return Map.of("result", Map.of("valid", true));
            }
            Jwt.Kind kind;
            try {
                kind = Jwt.Kind.valueOf(String.valueOf(msg.get("kind")).toUpperCase(Locale.ROOT)
                        .replace('-', '_'));
            } catch (IllegalArgumentException e) {
                return error("BAD_REQUEST", "unknown kind");
            }
            Jwt.Expect expect;
            try {
                expect = new Jwt.Expect(kind, now, leeway, text(msg, "audience"),
                        text(msg, "clientKey"), text(msg, "subject"), strings(msg.get("secrets")),
                        strings(msg.get("publicKeys")));
            } catch (IllegalArgumentException e) {
                return error("BAD_REQUEST", e.getMessage());
            }
            Jwt.verify(text(msg, "authorization"), request, expect);
            return Map.of("result", Map.of("valid", true));
        } catch (Jwt.JwtException e) {
            return error(e.status, e.getMessage());
        }
    }

    private static long number(Object value) {
        return value instanceof Long ? (Long) value : 0;
    }

    private static Map<String, String> strings(Object value) {
        Map<String, String> out = new LinkedHashMap<>();
        if (value instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                if (e.getValue() instanceof String) {
                    out.put(String.valueOf(e.getKey()), (String) e.getValue());
                }
            }
        }
        return out;
    }
}
