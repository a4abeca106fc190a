package qshcheck.servlet;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.servlet.FilterChain;
import javax.servlet.FilterConfig;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * Unit tests of {@link CanonicalRequest} and {@link QshFilter} on stand-in requests (no
 * container): the expectations are written from the rules (servers/README.md), not taken from
 * the code. Prints each failure; exits 1 if any.
 */
public final class ServletTests {
    private static final List<String> failures = new ArrayList<>();

    private ServletTests() {}

    public static void main(String[] args) throws Exception {
        canonicalRequests();
        filter();
        for (String failure : failures) {
            System.out.println("FAIL " + failure);
        }
        System.out.println(failures.isEmpty() ? "servlet tests: all passed"
                : "servlet tests: " + failures.size() + " failed");
        System.exit(failures.isEmpty() ? 0 : 1);
    }

    private static void canonicalRequests() {
        // Atlassian's documented example.
        expect("GET&/path/to/service&first=param&repeated=parameter%201,parameter%202"
                + "&zee_last=param",
                "GET", "/path/to/service", "",
                "zee_last", "param", "repeated", "parameter 1", "first", "param",
                "repeated", "parameter 2");
        // Empty values keep their commas, the empty one sorting first.
        expect("GET&/p&a=,", "GET", "/p", "", "a", "", "a", "");
        expect("GET&/p&a=,b", "GET", "/p", "", "a", "b", "a", "");
        // jwt is dropped by its exact name only.
        expect("GET&/p&JWT=y", "GET", "/p", "", "jwt", "x", "JWT", "y");
        // RFC 3986 unreserved only: space %20, '+' %2B, '*' %2A, '~' kept, ',' %2C.
        expect("GET&/p&k=a%20b%2Bc%2A~%2C", "GET", "/p", "", "k", "a b+c*~,");
        // Values in UTF-16 order of the decoded text: U+1F600 (a surrogate pair, D83D DE00)
        // before U+FFFD, the reverse of their UTF-8 byte order.
        expect("GET&/p&v=%F0%9F%98%80,%EF%BF%BD", "GET", "/p", "", "v", "\uFFFD",
                "v", "\uD83D\uDE00");
        // Names by their encoded form: "a%5Bb%5D" ('%' is 0x25) before "a.c" ('.' is 0x2E).
        expect("GET&/p&a%5Bb%5D=2&a.c=1", "GET", "/p", "", "a.c", "1", "a[b]", "2");
        // The path: context path removed, one trailing '/', empty is '/', '&' is %26.
        expect("GET&/rest/api&", "GET", "/wiki/rest/api/", "/wiki");
        expect("GET&/&", "GET", "/wiki", "/wiki");
        expect("GET&/&", "GET", "/wiki/", "/wiki");
        expect("GET&/p/&", "GET", "/p//", "");
        expect("GET&/&", "GET", "/", "");
        expect("GET&/a%26b&", "GET", "/a&b", "");
        expect("GET&/my%20file&", "GET", "/my%20app/my%20file", "/my%20app");
        // The method in ASCII upper case.
        expect("DELETE&/x&", "delete", "/x", "");
        check("qsh of GET&/&", "c88caad15a1c1a900b8ac08aa9686f4e8184539bea1deda36e2f649430df3239",
                CanonicalRequest.qsh(request("GET", "/", "", new HashMap<>())));
    }

    private static void filter() throws Exception {
        String good = "c88caad15a1c1a900b8ac08aa9686f4e8184539bea1deda36e2f649430df3239";
        String bad = "d88caad15a1c1a900b8ac08aa9686f4e8184539bea1deda36e2f649430df3239";
        check("matching qsh", "passed", runFilter(good, false, "qshcheck.qsh"));
        check("another request's qsh", "401", runFilter(bad, false, "qshcheck.qsh"));
        check("no claim", "401", runFilter(null, false, "qshcheck.qsh"));
        check("claim under another attribute", "401", runFilter(good, false, "other"));
        check("context-qsh where not allowed", "401",
                runFilter(QshFilter.CONTEXT_QSH, false, "qshcheck.qsh"));
        check("context-qsh where allowed", "passed",
                runFilter(QshFilter.CONTEXT_QSH, true, "qshcheck.qsh"));
        check("a hash where context-qsh is allowed", "passed",
                runFilter(good, true, "qshcheck.qsh"));
    }

    /** Runs QshFilter on GET / with the claim under attribute; "passed" or the error status. */
    private static String runFilter(String claim, boolean allowContext, String attribute)
            throws Exception {
        Map<String, Object> attributes = new HashMap<>();
        if (claim != null) {
            attributes.put(attribute, claim);
        }
        HttpServletRequest request = request("GET", "/", "", new HashMap<>(), attributes);
        String[] outcome = {"nothing"};
        HttpServletResponse response = proxy(HttpServletResponse.class, (name, args) -> {
            if (name.equals("sendError")) {
                outcome[0] = String.valueOf(args[0]);
            }
            return null;
        });
        FilterChain chain = (req, resp) -> outcome[0] = "passed";
        Map<String, String> init = new HashMap<>();
        if (allowContext) {
            init.put("allowContextQsh", "true");
        }
        FilterConfig config = proxy(FilterConfig.class, (name, args) ->
                name.equals("getInitParameter") ? init.get((String) args[0]) : null);
        QshFilter filter = new QshFilter();
        filter.init(config);
        filter.doFilter(request, response, chain);
        return outcome[0];
    }

    /** Expects the canonical request of a request with these name, value pairs. */
    private static void expect(String expected, String method, String uri, String context,
            String... pairs) {
        Map<String, List<String>> lists = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            lists.computeIfAbsent(pairs[i], k -> new ArrayList<>()).add(pairs[i + 1]);
        }
        Map<String, String[]> parameters = new LinkedHashMap<>();
        lists.forEach((name, values) -> parameters.put(name, values.toArray(new String[0])));
        check(method + " " + uri + " " + lists, expected,
                CanonicalRequest.of(request(method, uri, context, parameters)));
    }

    private static void check(String what, String expected, String got) {
        if (!expected.equals(got)) {
            failures.add(what + ": expected " + expected + ", got " + got);
        }
    }

    private static HttpServletRequest request(String method, String uri, String context,
            Map<String, String[]> parameters) {
        return request(method, uri, context, parameters, new HashMap<>());
    }

    private static HttpServletRequest request(String method, String uri, String context,
            Map<String, String[]> parameters, Map<String, Object> attributes) {
        return proxy(HttpServletRequest.class, (name, args) -> {
            switch (name) {
                case "getMethod":
                    return method;
                case "getRequestURI":
                    return uri;
                case "getContextPath":
                    return context;
                case "getParameterMap":
                    return parameters;
                case "getAttribute":
                    return attributes.get((String) args[0]);
                default:
                    throw new UnsupportedOperationException(name);
            }
        });
    }

    /** What a stand-in answers: the method's name and arguments to its result. */
    private interface Answer {
        Object apply(String method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, Answer answer) {
        Object stand = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (self, method, args) -> answer.apply(method.getName(), args));
        return type.cast(stand);
    }
}
