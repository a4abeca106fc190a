package qshcheck.servlet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.FilterConfig;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * Checks the qsh claim of a Connect JWT against the request it came with, and answers 401 when
 * they do not match.
 *
 * <p>The filter does not read the token: it takes the qsh claim from a request attribute (init
 * parameter {@code qshAttribute}, default {@value #DEFAULT_ATTRIBUTE}) that the application's
 * JWT verification has set after checking the signature, issuer and expiry. A claim taken from an
 * unverified token proves nothing, so the filter never parses one itself; with no attribute it
 * answers 401, which is also what a filter chain in the wrong order gets.
 *
 * <p>The literal {@code context-qsh} (tokens from {@code AP.context.getToken()}) is accepted only
 * when the init parameter {@code allowContextQsh} is {@code true}: map a second instance of the
 * filter with it onto the endpoints meant for such tokens, never onto module, webhook or
 * lifecycle URLs (accepting it everywhere was CVE-2021-26073 and CVE-2021-26074).
 *
 * <p>Order matters: computing the qsh reads the parameter map, which reads a form body and fixes
 * the request charset. Put any filter that sets the charset (Jira's does) before this one.
 */
public final class QshFilter implements Filter {
    /** The request attribute read when {@code qshAttribute} is not given. */
    public static final String DEFAULT_ATTRIBUTE = "qshcheck.qsh";

    /** The claim value of context tokens, which carries no hash. */
    public static final String CONTEXT_QSH = "context-qsh";

    private String attribute = DEFAULT_ATTRIBUTE;
    private boolean allowContextQsh;

    @Override
    public void init(FilterConfig config) {
        String name = config.getInitParameter("qshAttribute");
        if (name != null && !name.isEmpty()) {
            attribute = name;
        }
        allowContextQsh = "true".equals(config.getInitParameter("allowContextQsh"));
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        Object claim = http.getAttribute(attribute);
        if (!(claim instanceof String) || !matches(http, (String) claim)) {
            ((HttpServletResponse) response).sendError(HttpServletResponse.SC_UNAUTHORIZED);
            return;
        }
        chain.doFilter(request, response);
    }

    private boolean matches(HttpServletRequest request, String claim) {
        if (CONTEXT_QSH.equals(claim)) {
            return allowContextQsh;
        }
        byte[] expected = CanonicalRequest.qsh(request).getBytes(StandardCharsets.US_ASCII);
        // Constant time, so the response time says nothing about how much of a forged hash fits.
        return MessageDigest.isEqual(expected, claim.getBytes(StandardCharsets.UTF_8));
    }
}
