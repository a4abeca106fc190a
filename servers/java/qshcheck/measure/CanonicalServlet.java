package qshcheck.measure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import qshcheck.recipe.Json;
import qshcheck.servlet.CanonicalRequest;

/**
 * Answers every request, whatever its method, with what {@link CanonicalRequest} computes for
 * it: a JSON object with {@code canonicalRequest} and the {@code contextPath} that answered.
 *
 * <p>{@code service} is overridden so that HttpServlet's own handling of methods (405 for one it
 * does not know, its answers to OPTIONS and TRACE) never stands between the container and the
 * canonicalizer. An exception from the container's parsing (Jetty's 400 for a bad query) is left
 * to the container, which turns it into the status it would send any application.
 */
public final class CanonicalServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** Carries the answer to a HEAD request, whose body the container drops. */
    static final String ANSWER_HEADER = "Qshcheck-Answer";

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        String answer = "{\"canonicalRequest\":" + Json.write(CanonicalRequest.of(request))
                + ",\"contextPath\":" + Json.write(request.getContextPath()) + "}";
        byte[] body = answer.getBytes(StandardCharsets.US_ASCII); // Json escapes all but ASCII
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("application/json");
        if ("HEAD".equals(request.getMethod())) {
            response.setHeader(ANSWER_HEADER, answer);
        }
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
