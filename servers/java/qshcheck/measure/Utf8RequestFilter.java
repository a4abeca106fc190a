package qshcheck.measure;

import java.io.IOException;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;

/**
 * Sets the request charset to UTF-8 before anything reads a parameter, unconditionally, as
 * Jira's and Confluence's encoding filters do. It changes how the container decodes a form body
 * (Tomcat's default for a body without a charset is ISO-8859-1); the query is decoded with the
 * connector's URI encoding either way.
 */
public final class Utf8RequestFilter implements Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        request.setCharacterEncoding("UTF-8");
        chain.doFilter(request, response);
    }
}
