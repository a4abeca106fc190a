package qshcheck.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import qshcheck.recipe.Json;
import qshcheck.recipe.Jwt;
import qshcheck.recipe.Qsh;
import qshcheck.servlet.QshFilter;

/**
 * A tiny Connect app in embedded Tomcat 9 that verifies the product's tokens with the Java
 * recipe: the recipe's verifier behind the probe (tests/test_probe_recipes.py).
 *
 * <pre>
 *   java -jar qshrecipeapp.jar --secret S --client-key K [--keys URL]
 * </pre>
 *
 * <p>Listens on 127.0.0.1 on an ephemeral port and prints the port on stdout. The routes are
 * those of connect_app.py: /module, /webhook, /context, /installed, /uninstalled, /enabled,
 * /disabled. A filter of the app verifies each token with {@code Jwt.verify} over the request
 * as it came (the raw target, the Authorization header) and stores the verified qsh claim; the
 * recipe's {@link QshFilter} then checks that claim once more against the request as Tomcat
 * parsed it (the servlet part of the recipe), and only then does the servlet answer 200. With
 * --keys, /installed and /uninstalled take signed installs, their key fetched from URL/KID.
 */
public final class RecipeApp {
    private static final int MAX_BODY = 65536;
    private static final Map<String, Jwt.Kind> KINDS = Map.of("/module", Jwt.Kind.MODULE,
            "/webhook", Jwt.Kind.WEBHOOK, "/context", Jwt.Kind.CONTEXT,
            "/installed", Jwt.Kind.LIFECYCLE, "/uninstalled", Jwt.Kind.LIFECYCLE,
            "/enabled", Jwt.Kind.LIFECYCLE, "/disabled", Jwt.Kind.LIFECYCLE);
    private static final Pattern KID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private RecipeApp() {}

    public static void main(String[] args) throws IOException, LifecycleException {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length && args[i].startsWith("--"); i += 2) {
            options.put(args[i].substring(2), args[i + 1]);
        }
        if (args.length % 2 != 0 || !options.containsKey("secret")
                || !options.containsKey("client-key")) {
            System.err.println("usage: RecipeApp --secret S --client-key K [--keys URL]");
            System.exit(2);
        }
        Logger.getLogger("").setLevel(Level.WARNING);
        Path base = Files.createTempDirectory("qshrecipeapp-");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        // As Jira's server.xml has it: products send these raw in queries (a[]=1), which stock
        // Tomcat refuses with 400 (RFC 3986 wants them escaped).
        connector.setProperty("relaxedPathChars", "[]|");
        connector.setProperty("relaxedQueryChars", "[]|{}^\\`\"<>");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", base.toString());
        addFilter(context, "connect-jwt", new ConnectJwtFilter(options.get("secret"),
                options.get("client-key"), options.get("keys")), false, "/*");
        addFilter(context, "qsh", new QshFilter(), false, "/module", "/webhook", "/installed",
                "/uninstalled", "/enabled", "/disabled");
        // context-qsh only where context tokens belong (CVE-2021-26073, CVE-2021-26074).
        addFilter(context, "qsh-context", new QshFilter(), true, "/context");
        Tomcat.addServlet(context, "ok", new OkServlet());
        context.addServletMappingDecoded("/*", "ok");
        tomcat.start();
        System.out.println(connector.getLocalPort());
        System.out.flush();
        // SIGTERM runs the shutdown hooks: stop the server and remove its folder.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                tomcat.stop();
                tomcat.destroy();
            } catch (LifecycleException e) {
                System.err.println("RecipeApp: " + e);
            }
            try (var files = Files.walk(base)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("RecipeApp: " + e);
            }
        }));
        tomcat.getServer().await();
    }

    /** Maps a filter onto the paths, in the order the filters are added. */
    private static void addFilter(Context context, String name, Filter filter,
            boolean allowContextQsh, String... paths) {
        FilterDef def = new FilterDef();
        def.setFilterName(name);
        def.setFilter(filter);
        if (allowContextQsh) {
            def.addInitParameter("allowContextQsh", "true");
        }
        context.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName(name);
        for (String path : paths) {
            map.addURLPatternDecoded(path);
        }
        context.addFilterMap(map);
    }

    /** Verifies the token of every request with the recipe, or answers 401 (404, 413, 415). */
    static final class ConnectJwtFilter implements Filter {
        private final Map<String, String> secrets;
        private final String keys;
        private final HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5)).build();

        ConnectJwtFilter(String secret, String clientKey, String keys) {
            this.secrets = Map.of(clientKey, secret);
            this.keys = keys;
        }

        @Override
        public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
                throws IOException, ServletException {
            HttpServletRequest request = (HttpServletRequest) req;
            HttpServletResponse response = (HttpServletResponse) res;
            String route = request.getRequestURI();
            Jwt.Kind kind = KINDS.get(route);
            if (kind == null) {
                answer(response, 404, "no such route");
                return;
            }
            // Tomcat's parameter map reads a form body itself, and QshFilter hashes that map:
            // reading the body here would hide its parameters from it. Products send JSON.
            String type = request.getContentType() == null ? "" : request.getContentType();
            if ("POST".equals(request.getMethod())
                    && type.matches("[ \t]*application/x-www-form-urlencoded[ \t]*(;.*)?")) {
                answer(response, 415, "form bodies are not taken");
                return;
            }
            byte[] data = request.getInputStream().readNBytes(MAX_BODY + 1);
            if (data.length > MAX_BODY) {
                answer(response, 413, "body too large");
                return;
            }
            String body = data.length == 0 ? null : new String(data, StandardCharsets.UTF_8);
            // The raw target: getRequestURI and getQueryString are the request line's text.
            String target = route
                    + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
            String baseUrl = "http://127.0.0.1:" + request.getLocalPort();
            String authorization = request.getHeader("Authorization");
            boolean install = keys != null
                    && (route.equals("/installed") || route.equals("/uninstalled"));
            try {
                Jwt.Expect expect = new Jwt.Expect(install ? Jwt.Kind.INSTALL : kind,
                        Instant.now().getEpochSecond(), 0, install ? baseUrl : null,
                        kind == Jwt.Kind.LIFECYCLE ? clientKeyOf(body) : null, null, secrets,
                        install ? publicKey(authorization) : Map.of());
                Map<String, Object> claims = Jwt.verify(authorization, new Qsh.Request(
                        request.getMethod(), target, baseUrl, Qsh.Profile.PRODUCT, body,
                        request.getContentType()), expect);
                request.setAttribute(QshFilter.DEFAULT_ATTRIBUTE, claims.get("qsh"));
            } catch (Jwt.JwtException | IllegalArgumentException e) { // no clientKey in the body
                answer(response, 401, "invalid token: " + e.getMessage());
                return;
            }
            chain.doFilter(request, response);
        }

        /** The body's clientKey, which a lifecycle token's iss must be ("" when it has none). */
        private static String clientKeyOf(String body) {
            try {
                Object doc = Json.parse(body == null ? "" : body, 16);
                Object key = doc instanceof Map ? ((Map<?, ?>) doc).get("clientKey") : null;
                return key instanceof String ? (String) key : "";
            } catch (Json.JsonException e) {
                return "";
            }
        }

        /**
         * {kid: PEM} of the key the token's kid (read unverified, only to know which key to
         * fetch) names on the key service, or {} when there is none.
         */
        private Map<String, String> publicKey(String authorization) {
            try {
                String header = authorization.substring("JWT ".length()).split("\\.", 2)[0];
                Object doc = Json.parse(new String(Base64.getUrlDecoder().decode(header),
                        StandardCharsets.UTF_8), 16);
                Object kid = doc instanceof Map ? ((Map<?, ?>) doc).get("kid") : null;
                if (!(kid instanceof String) || !KID.matcher((String) kid).matches()
                        || ((String) kid).contains("..")) {
                    return Map.of();
                }
                HttpResponse<String> pem = http.send(
                        HttpRequest.newBuilder(URI.create(keys + "/" + kid))
                                .timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.US_ASCII));
                return pem.statusCode() == 200 ? Map.of((String) kid, pem.body()) : Map.of();
            } catch (RuntimeException | Json.JsonException | IOException e) {
                return Map.of();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Map.of();
            }
        }
    }

    /** What every route answers once both filters let the request through. */
    static final class OkServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response)
                throws IOException {
            answer(response, 200, "ok");
        }
    }

    private static void answer(HttpServletResponse response, int status, String text)
            throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(text);
    }
}
